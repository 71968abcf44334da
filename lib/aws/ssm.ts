import { SSMClient } from '@aws-sdk/client-ssm';
import { tracer } from '../tracer';

export const ssm = tracer.captureAWSv3Client(new SSMClient({}));
