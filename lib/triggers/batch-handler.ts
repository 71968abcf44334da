import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent, KinesisStreamEvent, KinesisStreamRecord, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../logger';
import { BusinessMetric, countMetric, publishMetrics } from '../metrics';
import { traceInvocations } from '../tracer';

type BatchOptions = {
  /** The queue's maxReceiveCount: a record failing on that delivery goes to the dead-letter queue, and is counted. */
  deadLetterAfterReceives?: number;
};

type Source = {
  sqs: [SQSEvent, SQSRecord];
  kinesis: [KinesisStreamEvent, KinesisStreamRecord];
  dynamodb: [DynamoDBStreamEvent, DynamoDBRecord];
};

const EVENT_TYPES = { sqs: EventType.SQS, kinesis: EventType.KinesisDataStreams, dynamodb: EventType.DynamoDBStreams } as const;

/**
 * The Middy chain of poll-based functions: each record is handled on its own, and only the records
 * that failed are reported back (ReportBatchItemFailures), so one bad message cannot sink a batch.
 */
export function batchHandler<S extends keyof Source>(source: S, handleRecord: (record: Source[S][1]) => Promise<void>, options: BatchOptions = {}) {
  const processor = new BatchProcessor(EVENT_TYPES[source]);
  const recordHandler = async (record: Source[S][1]) => {
    try {
      await handleRecord(record);
    } catch (error) {
      if (isLastDelivery(record, options.deadLetterAfterReceives)) {
        countMetric(BusinessMetric.DeadLettered);
        logger.error('record failed on its last delivery; it goes to the dead-letter queue', { error: error as Error, record: recordId(record) });
      } else {
        logger.warn('record failed; it will be delivered again', { error: error as Error, record: recordId(record) });
      }
      throw error;
    } finally {
      logger.removeKeys(['correlation_id']);
    }
  };
  return middy<Source[S][0], SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(traceInvocations())
    .use(publishMetrics())
    .handler((event: Source[S][0], context: Context) =>
      // SQS records are independent and go in parallel; a stream's records keep their order, and the outbox's
      // (DynamoDB Streams) stop at the first failure. The activity stream's consumer is ordered by versions instead.
      processPartialResponse(event as never, (source === 'dynamodb' ? stopAtFirstFailure(recordHandler) : recordHandler) as never, processor, {
        context,
        processInParallel: source === 'sqs',
      }),
    );
}

export class SkippedAfterFailureError extends Error {
  constructor() {
    super('Not handled: an earlier record of the batch failed, and Lambda retries the stream from that one');
    this.name = 'SkippedAfterFailureError';
  }
}

/**
 * A stream's records after a failed one are reported failed without being handled: Lambda resumes
 * the shard from the first failure anyway, and a later change of the same item must not overtake it.
 */
function stopAtFirstFailure<R>(handle: (record: R) => Promise<void>): (record: R) => Promise<void> {
  let failed = false;
  return async function handleUnlessEarlierFailed(record: R) {
    if (failed) throw new SkippedAfterFailureError();
    try {
      await handle(record);
    } catch (error) {
      failed = true;
      throw error;
    }
  };
}

type AnyRecord = SQSRecord | KinesisStreamRecord | DynamoDBRecord;

function recordId(record: AnyRecord): string | undefined {
  if ('messageId' in record) return record.messageId;
  if ('kinesis' in record) return record.kinesis.sequenceNumber;
  return record.dynamodb?.SequenceNumber;
}

function isLastDelivery(record: AnyRecord, deadLetterAfterReceives: number | undefined): boolean {
  if (!deadLetterAfterReceives || !('messageId' in record)) return false;
  return Number(record.attributes.ApproximateReceiveCount) >= deadLetterAfterReceives;
}
