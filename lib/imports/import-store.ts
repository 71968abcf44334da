import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import type { ImportRecord, RowError } from './import-record';

const importKey = (importId: string) => ({ pk: `IMPORT#${importId}`, sk: 'IMPORT' });

export type ImportOutcome = { orderIds: string[]; errors: RowError[]; rejectedRows: number };

export function importStore(tableName: string) {
  return {
    async create(record: ImportRecord): Promise<void> {
      await dynamo.send(
        new PutCommand({ TableName: tableName, Item: { ...importKey(record.importId), ...record }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    },

    async get(importId: string): Promise<ImportRecord | undefined> {
      const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: importKey(importId), ConsistentRead: true }));
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, ...record } = Item;
      return record as ImportRecord;
    },

    /** Records the outcome; a redelivered upload computes the same outcome, so overwriting is safe. */
    async complete(importId: string, outcome: ImportOutcome): Promise<void> {
      await dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key: importKey(importId),
          UpdateExpression: 'SET #status = :completed, acceptedRows = :accepted, rejectedRows = :rejected, orderIds = :orderIds, errors = :errors',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':completed': 'COMPLETED',
            ':accepted': outcome.orderIds.length,
            ':rejected': outcome.rejectedRows,
            ':orderIds': outcome.orderIds,
            ':errors': outcome.errors,
          },
        }),
      );
    },
  };
}

export type ImportStore = ReturnType<typeof importStore>;
