// Invoked asynchronously (SNS): succeeds or fails as the message says, so that its destinations
// (onSuccess, onFailure) receive the record of each outcome.
/** @param {import('aws-lambda').SNSEvent} event */
exports.handler = async (event) => {
  const message = JSON.parse(event.Records[0].Sns.Message);
  if (message.verdict === 'fail') throw new Error(`Failed on purpose: ${message.marker}`);
  return { judged: message.marker };
};
