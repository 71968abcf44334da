import { compileFilterCriteria } from '../cloud/patterns/filter-criteria';

type RecordTest = (record: Record<string, unknown>) => boolean;

/**
 * serverless-offline-sqs's `compileFilterPatterns` option (patches/serverless-offline-sqs): an `sqs`
 * event's filterPatterns as a test of its records, by the local cloud's one pattern engine. A pattern
 * Lambda would refuse stops the start, naming the function, the event and the pattern.
 */
export function compileSqsFilterPatterns(patterns: unknown[], where: { functionKey: string; queueName: string }): RecordTest {
  try {
    return compileFilterCriteria('sqs', patterns) ?? (() => true);
  } catch (error) {
    throw new Error(`function ${where.functionKey}, sqs event on ${where.queueName}: ${(error as Error).message}`, { cause: error });
  }
}
