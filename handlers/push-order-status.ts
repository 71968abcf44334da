import { fromStreamImage } from '../lib/aws/stream-image';
import { postToConnection } from '../lib/aws/websocket-connections';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { pushStatus } from '../lib/push/push-status';
import { pushStore } from '../lib/push/push-store';
import { statusChange } from '../lib/push/status-message';
import { batchHandler } from '../lib/triggers/batch-handler';

const store = pushStore(config().tableName, config().websocketConnectionTtlSeconds);

/** The orders table's stream (ORDER and FULFILMENT items): each status change, to the order's WebSocket subscribers. */
export const handler = batchHandler('dynamodb', async (record) => {
  const message = statusChange({
    eventName: record.eventName ?? 'MODIFY',
    newImage: record.dynamodb?.NewImage && fromStreamImage(record.dynamodb.NewImage),
    oldImage: record.dynamodb?.OldImage && fromStreamImage(record.dynamodb.OldImage),
  });
  if (!message) return;
  const outcome = await pushStatus({ store, post: postToConnection }, message);
  logger.debug('status pushed', { ...message, ...outcome });
});
