import { startAfterSeed, type StreamTips } from '../../../../offline/cloud/event-sources/seed-positions';
import type { Checkpoints } from '../../../../offline/cloud/event-sources/checkpoints';
import { checkpointKey } from '../../../../offline/cloud/event-sources/poller';

const ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/1970-01-01T00:00:00.000';
const tips = (entries: [string, string][], incarnation = '1700000000000'): StreamTips => ({ streamArn: ARN, incarnation, tips: new Map(entries) });

function memoryCheckpoints(initial: Record<string, string> = {}): Checkpoints & { positions: Record<string, string> } {
  const positions = { ...initial };
  return { positions, get: (key) => positions[key], set: (key, sequenceNumber) => void (positions[key] = sequenceNumber) };
}

describe('startAfterSeed', () => {
  it("starts a mapping of a stream that was empty before the seed after the seed's last record, per shard", () => {
    const checkpoints = memoryCheckpoints();

    const moved = startAfterSeed('svc-local-fn', tips([]), tips([['shard-1', '100000000000000000042']]), checkpoints);

    expect(moved).toBe(true);
    expect(checkpoints.positions).toEqual({ [checkpointKey('svc-local-fn', ARN, '1700000000000', 'shard-1')]: '100000000000000000042' });
  });

  it('leaves a stream that held records before the seed alone: they may be changes no consumer has seen (a crash before the first checkpoint)', () => {
    const checkpoints = memoryCheckpoints();

    expect(startAfterSeed('svc-local-fn', tips([['shard-1', '100000000000000000007']]), tips([['shard-1', '100000000000000000042']]), checkpoints)).toBe(false);
    expect(checkpoints.positions).toEqual({});
  });

  it('keeps a checkpoint the mapping already has', () => {
    const key = checkpointKey('svc-local-fn', ARN, '1700000000000', 'shard-1');
    const checkpoints = memoryCheckpoints({ [key]: '100000000000000000003' });

    expect(startAfterSeed('svc-local-fn', tips([]), tips([['shard-1', '100000000000000000042']]), checkpoints)).toBe(false);
    expect(checkpoints.positions[key]).toBe('100000000000000000003');
  });

  it('does nothing when the table was created anew in between (another incarnation)', () => {
    const checkpoints = memoryCheckpoints();

    expect(startAfterSeed('svc-local-fn', tips([], '1'), tips([['shard-1', '100000000000000000042']], '2'), checkpoints)).toBe(false);
  });
});
