import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../logger';
import { publishMetrics } from '../metrics';
import { traceInvocations } from '../tracer';

/**
 * The Middy chain of a DynamoDB stream consumer whose records must be handled in order: they are
 * handled one after the other, and the first that fails stops the batch. It is reported alone
 * (ReportBatchItemFailures): Lambda resumes the shard from it, so every later record comes again
 * after it, never before it, as handling the rest of the batch first would have them.
 */
export function inOrderStreamHandler(handleRecord: (record: DynamoDBRecord) => Promise<void>) {
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(traceInvocations())
    .use(publishMetrics())
    .handler(async (event) => {
      for (const record of event.Records) {
        const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
        try {
          await handleRecord(record);
        } catch (error) {
          logger.warn('record failed; the shard resumes from it', { error: error as Error, record: sequenceNumber });
          return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
        }
      }
      return { batchItemFailures: [] };
    });
}
