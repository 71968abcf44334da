// Handlers of the patch tests' own service (serverless.yml beside this file).
/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers with the HTTP API event's body as the function received it. @param {import('aws-lambda').APIGatewayProxyEventV2} event */
exports.echo = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ body: event.body, isBase64Encoded: event.isBase64Encoded, contentType: event.headers['content-type'] ?? null, cookies: event.cookies ?? null }),
});

/** Runs past its 1-second timeout when asked (?slow=true), otherwise answers at once. @param {import('aws-lambda').APIGatewayProxyEventV2} event */
exports.sleepy = async (event) => {
  if (event.queryStringParameters?.slow === 'true') await sleep(3000);
  return { statusCode: 200, body: '{"ok":true}' };
};

/** Runs past its 1-second timeout on a message "slow"; handles any other at once. @param {import('aws-lambda').SQSEvent} event */
exports.sleepyConsumer = async (event) => {
  if (event.Records.some((record) => record.body === 'slow')) await sleep(3000);
  return {};
};
