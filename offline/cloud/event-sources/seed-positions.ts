import type { Checkpoints } from './checkpoints';
import { checkpointKey, type StreamSource } from './poller';

/** A stream's last record per shard, as it stands now (empty shards left out). */
export type StreamTips = { streamArn: string; incarnation: string; tips: Map<string, string> };

/**
 * Reads each shard of the stream to its end (the seed writes a few hundred records at most), or, with
 * `firstRecordOnly`, only to its first record: whether the stream is empty is all the start needs to
 * know of a stream that holds a kept state's records (thousands, read twice at every restart otherwise).
 */
export async function streamTips(source: StreamSource, options: { firstRecordOnly?: boolean } = {}): Promise<StreamTips> {
  const { streamArn, incarnation } = await source.describe();
  const tips = new Map<string, string>();
  for (const shard of await source.shards(streamArn)) {
    let iterator = await source.iterator(streamArn, shard.id, { type: 'TRIM_HORIZON' });
    while (iterator) {
      const page = await source.read(streamArn, shard.id, iterator, options.firstRecordOnly ? 1 : 1000);
      if (page.records.length > 0) tips.set(shard.id, page.records[page.records.length - 1].sequenceNumber);
      if (page.atTip || (options.firstRecordOnly && page.records.length > 0)) break;
      iterator = page.next;
    }
    if (options.firstRecordOnly && tips.size > 0) break;
  }
  return { streamArn, incarnation, tips };
}

/**
 * The seed module's writes predate the mappings of a table's stream, as the data of a table does
 * whose stream is enabled after it was loaded: a mapping on a stream that was empty before the seed
 * ran, and has no checkpoint yet, starts after the seed's records. (Otherwise a seeded fixture, such
 * as an order for `sls invoke local`, would set the service's own stream consumers to work on it.)
 * Returns whether it moved the mapping's start.
 */
export function startAfterSeed(functionName: string, before: StreamTips, after: StreamTips, checkpoints: Checkpoints): boolean {
  if (before.tips.size > 0 || before.incarnation !== after.incarnation) return false;
  let moved = false;
  for (const [shardId, sequenceNumber] of after.tips) {
    const key = checkpointKey(functionName, after.streamArn, after.incarnation, shardId);
    if (checkpoints.get(key) !== undefined) continue;
    checkpoints.set(key, sequenceNumber);
    moved = true;
  }
  return moved;
}
