import { Tracer } from '@aws-lambda-powertools/tracer';

// One tracer per process. It records only inside Lambda with active tracing (AWS_EXECUTION_ENV and
// the X-Ray trace header present); elsewhere, the local cloud and the tests included, it is a no-op.
export const tracer = new Tracer();
