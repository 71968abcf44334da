import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export type Endpoints = { region: string; sqs: string; edge: string; lambda: string; accessKeyId: string };

/** SDK clients for the local cloud's own work (provisioning, event sources), one per service. */
export function localClients(endpoints: Endpoints) {
  const common = {
    region: endpoints.region,
    credentials: { accessKeyId: endpoints.accessKeyId, secretAccessKey: endpoints.accessKeyId },
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2000 }),
    maxAttempts: 2,
  };
  return {
    sqs: new SQSClient({ ...common, endpoint: endpoints.sqs }),
    /** LocalStack's own SQS, where its SNS and S3 deliver (docker mode only; see queue-bridge.ts). */
    edgeSqs: new SQSClient({ ...common, endpoint: endpoints.edge }),
    dynamodb: new DynamoDBClient({ ...common, endpoint: endpoints.edge }),
    dynamodbStreams: new DynamoDBStreamsClient({ ...common, endpoint: endpoints.edge }),
    kinesis: new KinesisClient({ ...common, endpoint: endpoints.edge }),
    eventbridge: new EventBridgeClient({ ...common, endpoint: endpoints.edge }),
    s3: new S3Client({ ...common, endpoint: endpoints.edge, forcePathStyle: true }),
    sns: new SNSClient({ ...common, endpoint: endpoints.edge }),
    // Invocations may run as long as the function's timeout: no retries, no socket timeout of ours.
    lambda: new LambdaClient({ ...common, endpoint: endpoints.lambda, maxAttempts: 1 }),
  };
}

export type LocalClients = ReturnType<typeof localClients>;
