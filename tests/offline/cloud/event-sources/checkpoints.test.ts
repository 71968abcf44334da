import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileCheckpoints } from '../../../../offline/cloud/event-sources/checkpoints';

describe('fileCheckpoints', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'orderflow-checkpoints-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts empty when the file does not exist yet, creating nothing until a position is set', () => {
    const path = join(dir, 'state', 'kinesis-checkpoints.json');

    const checkpoints = fileCheckpoints(path);

    expect(checkpoints.get('stream@1/shardId-000000000000')).toBeUndefined();
    expect(existsSync(path)).toBe(false);
  });

  it('keeps positions for a new instance on the same file (a restart resumes)', () => {
    const path = join(dir, 'state', 'kinesis-checkpoints.json');
    const first = fileCheckpoints(path);
    first.set('stream@1/shardId-000000000000', '49590338271490256608559692538361571095921575989136588898');
    first.set('stream@1/shardId-000000000001', '42');

    const second = fileCheckpoints(path);

    expect(second.get('stream@1/shardId-000000000000')).toBe('49590338271490256608559692538361571095921575989136588898');
    expect(second.get('stream@1/shardId-000000000001')).toBe('42');
    expect(second.get('stream@2/shardId-000000000000')).toBeUndefined();
  });

  it('moves a position forward', () => {
    const path = join(dir, 'checkpoints.json');
    const checkpoints = fileCheckpoints(path);

    checkpoints.set('k', '1');
    checkpoints.set('k', '2');

    expect(fileCheckpoints(path).get('k')).toBe('2');
  });

  it('writes atomically: a complete new file renamed over the old one, no temporary file left behind', () => {
    const path = join(dir, 'checkpoints.json');
    const checkpoints = fileCheckpoints(path);
    checkpoints.set('k', '1');
    const before = statSync(path).ino;

    checkpoints.set('k', '2');

    expect(statSync(path).ino).not.toBe(before);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ k: '2' });
    expect(readdirSync(dir)).toEqual(['checkpoints.json']);
  });

  it('starts over from an unreadable file instead of failing', () => {
    const path = join(dir, 'checkpoints.json');
    writeFileSync(path, '{"k": "1"');

    const checkpoints = fileCheckpoints(path);

    expect(checkpoints.get('k')).toBeUndefined();
  });
});
