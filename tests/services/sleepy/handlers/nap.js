// Each invocation records what it was given as it starts, then sleeps as long as a message or record
// asks (`{ "sleepMs": 3000 }`): past the function's 1-second timeout, Lambda stops it.
const { setTimeout: sleep } = require('node:timers/promises');
const { record } = require('./record');

/** @param {string[]} messages */
const sleepFor = (messages) => Math.max(0, ...messages.map((message) => JSON.parse(message).sleepMs ?? 0));

/** @param {import('aws-lambda').SNSEvent} event */
exports.sns = async (event) => {
  const messages = event.Records.map((r) => r.Sns.Message);
  await record('sns', messages);
  await sleep(sleepFor(messages));
  return { napped: messages.length };
};

/** @param {import('aws-lambda').KinesisStreamEvent} event */
exports.kinesis = async (event) => {
  const messages = event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString('utf8'));
  await record('kinesis', messages);
  await sleep(sleepFor(messages));
};
