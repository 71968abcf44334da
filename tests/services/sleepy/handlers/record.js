// Records what reached a handler in the sink table as tests/services/support/start-service.ts reads it:
// { pk, trigger, payload, recordedAt }.
const { randomUUID } = require('node:crypto');
const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');

// Endpoint, region and credentials come from the SDK's standard environment (the local cloud sets it).
const dynamodb = new DynamoDBClient({});

/** @param {string} trigger @param {unknown} payload */
exports.record = (trigger, payload) =>
  dynamodb.send(
    new PutItemCommand({
      TableName: process.env.SINK_TABLE,
      Item: {
        pk: { S: `${trigger}#${randomUUID()}` },
        trigger: { S: trigger },
        payload: { S: JSON.stringify(payload) },
        recordedAt: { N: String(process.hrtime.bigint()) },
      },
    }),
  );
