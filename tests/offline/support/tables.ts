import { CreateTableCommand, DescribeTableCommand, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { eventually } from './eventually';

/**
 * Creates a table and waits until it and its indexes are ACTIVE, as a DynamoDB client must: a write to a
 * table still CREATING is answered ResourceNotFoundException (dynalite's on-disk store takes a moment).
 */
export async function createActiveTable(dynamodb: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  await dynamodb.send(new CreateTableCommand(input));
  await eventually(
    async () => {
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: input.TableName }));
      const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
      return Table?.TableStatus === 'ACTIVE' && indexesActive ? true : undefined;
    },
    `table ${input.TableName} ACTIVE`,
    10_000,
    10,
  );
}
