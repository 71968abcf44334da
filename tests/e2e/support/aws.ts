import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
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

// HTTP/1.1 for Kinesis: the embedded emulator (kinesalite) speaks nothing else.
export const sns = new SNSClient({ ...common, endpoint: edge });
export const kinesis = new KinesisClient({ ...common, endpoint: edge, requestHandler: new NodeHttpHandler() });

export const ORDER_EVENTS_TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:orderflow-local-order-events';
export const ACTIVITY_STREAM = 'orderflow-local-order-activity';
export const IMPORTS_BUCKET = 'orderflow-local-imports';
