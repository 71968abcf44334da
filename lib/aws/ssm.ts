import { SSMClient } from '@aws-sdk/client-ssm';
import { traced } from '../tracer';

export const ssm = traced(new SSMClient({}));
