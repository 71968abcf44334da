import { CreateTableCommand, DescribeTableCommand, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, DescribeStreamSummaryCommand, type KinesisClient, type StreamDescriptionSummary } from '@aws-sdk/client-kinesis';
import { eventually } from './eventually';

// A client writes to a table or a stream once it is ACTIVE, as on AWS: before that, a write is answered
// ResourceNotFoundException (dynalite and kinesalite activate a moment after the create, later on disk).

/** Creates a table and waits until it and its indexes are ACTIVE. */
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

/** Creates a Kinesis stream and waits until it is ACTIVE; returns its summary. */
export async function createActiveStream(kinesis: KinesisClient, StreamName: string, ShardCount = 1): Promise<StreamDescriptionSummary> {
  await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount }));
  return eventually(
    async () => {
      const { StreamDescriptionSummary: summary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
      return summary?.StreamStatus === 'ACTIVE' ? summary : undefined;
    },
    `stream ${StreamName} ACTIVE`,
    10_000,
    10,
  );
}
