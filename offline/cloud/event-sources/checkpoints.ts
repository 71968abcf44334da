import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Last processed sequence number per stream shard, kept in a JSON file so that a restart resumes
 * where it stopped instead of replaying the stream. Keys carry the stream's creation time: a
 * recreated stream (the embedded one is new on every start) never inherits an old position.
 */
export function fileCheckpoints(path: string) {
  let positions: Record<string, string> = {};
  try {
    positions = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    positions = {};
  }
  return {
    get: (key: string): string | undefined => positions[key],
    set(key: string, sequenceNumber: string): void {
      positions[key] = sequenceNumber;
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(`${path}.tmp`, JSON.stringify(positions, null, 2));
      renameSync(`${path}.tmp`, path);
    },
  };
}

export type Checkpoints = ReturnType<typeof fileCheckpoints>;
