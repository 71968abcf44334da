import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { E2E_PORTS } from './ports';

/** SDK clients on the e2e local cloud, for arranging and inspecting what the API does not show. */
const common = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const edge = `http://127.0.0.1:${E2E_PORTS.edge}`;

export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ ...common, endpoint: edge }));
export const s3 = new S3Client({ ...common, endpoint: edge, forcePathStyle: true });
export const sqs = new SQSClient({ ...common, endpoint: `http://127.0.0.1:${E2E_PORTS.sqs}` });

export const TABLE = 'orderflow-local';
export const REPORTS_BUCKET = 'orderflow-local-reports';
export const queueUrl = (name: string) => `http://127.0.0.1:${E2E_PORTS.sqs}/000000000000/orderflow-local-${name}`;
