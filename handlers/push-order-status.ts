import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue as StreamAttributeValue } from 'aws-lambda';
import { postToConnection } from '../lib/aws/websocket-connections';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { pushStatus } from '../lib/push/push-status';
import { pushStore } from '../lib/push/push-store';
import { statusChange } from '../lib/push/status-message';
import { inOrderStreamHandler } from '../lib/triggers/stream-handler';

const store = pushStore(config().tableName, config().websocketConnectionTtlSeconds);

const image = (attributes?: Record<string, StreamAttributeValue>) => (attributes ? unmarshall(attributes as Record<string, AttributeValue>) : undefined);

/** The orders table's stream (ORDER and FULFILMENT items): each status change, to the order's WebSocket subscribers. */
export const handler = inOrderStreamHandler(async (record) => {
  const message = statusChange({
    eventName: record.eventName ?? 'MODIFY',
    newImage: image(record.dynamodb?.NewImage),
    oldImage: image(record.dynamodb?.OldImage),
  });
  if (!message) return;
  const outcome = await pushStatus({ store, post: postToConnection }, message);
  logger.debug('status pushed', { ...message, ...outcome });
});
