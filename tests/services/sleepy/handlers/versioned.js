// The code whose edits the reload test watches for: it rewrites VERSION while the service runs.
const { record } = require('./record');

const VERSION = 'v1';

exports.http = async () => ({ statusCode: 200, body: JSON.stringify({ version: VERSION }) });

/** @param {import('aws-lambda').SQSEvent} event */
exports.sqs = async (event) => {
  for (const r of event.Records) await record('sqs', { version: VERSION, body: r.body });
};

/** @param {import('aws-lambda').SNSEvent} event */
exports.sns = async (event) => {
  for (const r of event.Records) await record('sns', { version: VERSION, message: r.Sns.Message });
};
