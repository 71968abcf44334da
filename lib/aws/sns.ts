import { SNSClient } from '@aws-sdk/client-sns';
import { traced } from '../tracer';

// Traced: in a deployed stage each Publish is a subsegment, and X-Ray carries the trace on to SQS and Lambda.
export const sns = traced(new SNSClient({}));
