// Each trigger's handler records what reached it in the sink table: { pk, trigger, payload, recordedAt }, where
// payload is what the trigger carried, decoded (the test looks its marker up in it).
const { randomUUID } = require('node:crypto');
const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');

// Endpoint, region and credentials come from the SDK's standard environment (the local cloud sets it).
const dynamodb = new DynamoDBClient({});

/** @param {string} trigger @param {unknown[]} payloads */
async function record(trigger, payloads) {
  for (const payload of payloads) {
    await dynamodb.send(
      new PutItemCommand({
        TableName: process.env.SINK_TABLE,
        Item: {
          pk: { S: `${trigger}#${randomUUID()}` },
          trigger: { S: trigger },
          payload: { S: JSON.stringify(payload) },
          // Monotonic across the worker threads of the process: the order of arrival (FIFO).
          recordedAt: { N: String(process.hrtime.bigint()) },
        },
      }),
    );
  }
}

/** @param {import('aws-lambda').APIGatewayProxyEventV2} event */
exports.http = async (event) => {
  await record('http', [event.queryStringParameters ?? {}]);
  return { statusCode: 200, body: JSON.stringify({ greeting: process.env.GREETING }) };
};
/** @param {import('aws-lambda').SNSEvent} event */
exports.sns = async (event) =>
  record(
    'sns',
    event.Records.map((r) => ({ topicArn: r.Sns.TopicArn, message: r.Sns.Message })),
  );
/** @param {import('aws-lambda').SQSEvent} event */
exports.sqs = async (event) =>
  record(
    'sqs',
    event.Records.map((r) => ({ queue: r.eventSourceARN, body: r.body, groupId: r.attributes.MessageGroupId })),
  );
/** @param {import('aws-lambda').KinesisStreamEvent} event */
exports.kinesis = async (event) =>
  record(
    'kinesis',
    event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString('utf8')),
  );
/** @param {import('aws-lambda').S3Event} event */
exports.s3 = async (event) =>
  record(
    's3',
    event.Records.map((r) => ({ bucket: r.s3.bucket.name, key: r.s3.object.key, eventName: r.eventName })),
  );
/** @param {import('aws-lambda').DynamoDBStreamEvent} event */
exports.dynamodb = async (event) =>
  record(
    'dynamodb',
    event.Records.map((r) => ({ eventName: r.eventName, keys: r.dynamodb?.Keys, newImage: r.dynamodb?.NewImage })),
  );
/** @param {import('aws-lambda').EventBridgeEvent<string, unknown>} event */
exports.eventBridge = async (event) => record('eventBridge', [{ source: event.source, detailType: event['detail-type'], detail: event.detail }]);
