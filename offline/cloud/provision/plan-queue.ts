import { nameFromArn } from './intrinsics';
import type { QueuePlan } from './plan';

/** The AWS::SQS::Queue properties that are queue attributes, copied as CreateQueue takes them (strings). */
const SCALAR_ATTRIBUTES = [
  'VisibilityTimeout',
  'MessageRetentionPeriod',
  'DelaySeconds',
  'ReceiveMessageWaitTimeSeconds',
  'MaximumMessageSize',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
];
const FIFO_ONLY = ['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit'];

/**
 * One AWS::SQS::Queue resource (properties resolved) as the queue to create, checked the way
 * CloudFormation would: a FIFO queue's name ends in `.fifo` and only a FIFO queue's does, FIFO-only
 * properties need FifoQueue, and a queue redrives into a DLQ of its own type. Errors name the resource.
 */
export function planQueue(logicalId: string, p: Record<string, unknown>): QueuePlan {
  if (typeof p.QueueName !== 'string' || p.QueueName === '') throw new Error(`Resource ${logicalId} (AWS::SQS::Queue): QueueName is required locally`);
  const name = p.QueueName;
  const where = `Resource ${logicalId} (AWS::SQS::Queue ${name})`;
  const scalar = (key: string): string | undefined => {
    const value = p[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      throw new Error(`${where}: ${key} must be a string, number or boolean, found ${JSON.stringify(value)}`);
    return String(value);
  };
  const fifo = scalar('FifoQueue') === 'true';
  if (p.FifoQueue !== undefined && !['true', 'false'].includes(scalar('FifoQueue')!))
    throw new Error(`${where}: FifoQueue must be true or false, found ${scalar('FifoQueue')}`);
  if (fifo && !name.endsWith('.fifo')) throw new Error(`${where}: QueueName of a FIFO queue (FifoQueue: true) must end with .fifo`);
  if (!fifo && name.endsWith('.fifo'))
    throw new Error(`${where}: QueueName ends with .fifo but FifoQueue is not true; set FifoQueue: true or rename the queue`);
  for (const key of FIFO_ONLY) if (!fifo && p[key] !== undefined) throw new Error(`${where}: ${key} applies to FIFO queues only (FifoQueue: true)`);
  if (fifo && p.FifoThroughputLimit === 'perMessageGroupId' && p.DeduplicationScope !== 'messageGroup') {
    throw new Error(`${where}: FifoThroughputLimit perMessageGroupId needs DeduplicationScope messageGroup`);
  }

  const attributes: Record<string, string> = {};
  if (fifo) attributes.FifoQueue = 'true';
  for (const key of SCALAR_ATTRIBUTES) if (p[key] !== undefined) attributes[key] = scalar(key)!;
  if (p.RedrivePolicy) {
    attributes.RedrivePolicy = typeof p.RedrivePolicy === 'string' ? p.RedrivePolicy : JSON.stringify(p.RedrivePolicy);
    const target = (JSON.parse(attributes.RedrivePolicy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    if (typeof target === 'string' && nameFromArn(target).endsWith('.fifo') !== fifo) {
      throw new Error(
        `${where}: RedrivePolicy.deadLetterTargetArn must be a ${fifo ? 'FIFO' : 'standard'} queue like its source, found ${nameFromArn(target)}`,
      );
    }
  }
  return { name, attributes };
}
