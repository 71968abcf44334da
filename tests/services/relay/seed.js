// The seed module (custom.localCloud.seed): run once after the resources are created, with the SDK
// pointed at the local cloud and the functions' local environment.
const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');

/** @param {import('../../../offline/cloud/provision/seed-module').LocalCloudSeedContext} context */
exports.seed = async ({ environment }) => {
  const dynamodb = new DynamoDBClient({});
  await dynamodb.send(
    new PutItemCommand({ TableName: environment.SINK_TABLE, Item: { pk: { S: 'seeded' }, trigger: { S: 'seed' }, payload: { S: environment.GREETING } } }),
  );
  dynamodb.destroy();
};
