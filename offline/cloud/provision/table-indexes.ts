import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type GlobalSecondaryIndex,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalClients } from './clients';

/**
 * Gives a table kept from an earlier run the global secondary indexes serverless.yml now declares
 * and it lacks, as CloudFormation would. UpdateTable adds them where the emulator can (LocalStack);
 * the embedded DynamoDB cannot, so there the table is made anew with them and its items copied back.
 * A table with a stream is left as it is, with a line saying so: copying its items back would hand
 * its consumers every item again as an INSERT.
 */
export async function addMissingIndexes(
  input: CreateTableCommandInput,
  clients: LocalClients,
  waitActive: () => Promise<TableDescription | undefined>,
  log: (m: string) => void,
) {
  const missing = (table: TableDescription | undefined) =>
    (input.GlobalSecondaryIndexes ?? []).filter((wanted) => !(table?.GlobalSecondaryIndexes ?? []).some((index) => index.IndexName === wanted.IndexName));
  const table = await waitActive();
  if (missing(table).length === 0) return;
  for (const index of missing(table)) {
    await clients.dynamodb
      .send(
        new UpdateTableCommand({
          TableName: input.TableName,
          AttributeDefinitions: input.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: index as GlobalSecondaryIndex }],
        }),
      )
      .catch(() => undefined); // an emulator without online index creation: made anew below
    await waitActive();
  }
  const stillMissing = missing(await waitActive());
  if (stillMissing.length === 0) return;
  const names = stillMissing.map((index) => index.IndexName).join(', ');
  if (table?.StreamSpecification?.StreamEnabled) {
    log(`warning: table ${input.TableName}: index ${names} is not in the kept state; start with --fresh to create it`);
    return;
  }
  const items = await scanAll(clients, input.TableName!);
  await clients.dynamodb.send(new DeleteTableCommand({ TableName: input.TableName }));
  await waitGone(clients, input.TableName!);
  await clients.dynamodb.send(new CreateTableCommand(input));
  await waitActive();
  await putAll(clients, input.TableName!, items);
  log(`table ${input.TableName}: index ${names} added; its ${items.length} item(s) kept`);
}

async function scanAll(clients: LocalClients, tableName: string): Promise<Record<string, unknown>[]> {
  const documents = DynamoDBDocumentClient.from(clients.dynamodb);
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

async function putAll(clients: LocalClients, tableName: string, items: Record<string, unknown>[]): Promise<void> {
  const documents = DynamoDBDocumentClient.from(clients.dynamodb);
  for (let i = 0; i < items.length; i += 25) {
    let requests: Record<string, unknown>[] | undefined = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests?.length) {
      const written: { UnprocessedItems?: Record<string, Record<string, unknown>[]> } = await documents.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
      );
      requests = written.UnprocessedItems?.[tableName];
    }
  }
}

async function waitGone(clients: LocalClients, tableName: string): Promise<void> {
  for (;;) {
    const exists = await clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName })).then(
      () => true,
      () => false,
    );
    if (!exists) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
