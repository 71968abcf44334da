import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { version, type BuildOptions, type Metafile } from 'esbuild';

/**
 * What a build read and wrote, each file with its size and times, and its options: while none of
 * them changed, the bundles on disk are what the same build would write again.
 */
export type BuildRecord = { options: string; files: Record<string, string> };

/** Size, modification and change times: a reinstalled package keeps npm's fixed mtime, not its ctime. */
const describe = (stat: Stats | undefined) => (stat ? `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}` : 'missing');
const fingerprint = (path: string) => describe(statSync(path, { throwIfNoEntry: false }));

/** Options with plugins cannot be compared (functions): their builds are never reused. */
export const recordable = (options: BuildOptions) => !options.plugins?.length;

const optionsKey = (options: BuildOptions) =>
  createHash('sha256')
    .update(JSON.stringify({ esbuild: version, options }))
    .digest('hex');

/**
 * The record of a build that started at `startedAt`, or none when an input changed meanwhile (the
 * bundle may hold its older state). Besides inputs and outputs, it holds the directories above the
 * inputs (a file added there can change what an import resolves to) and the configuration files
 * esbuild reads.
 */
export function recordBuild(options: BuildOptions, metafile: Metafile, startedAt: number): BuildRecord | undefined {
  const root = options.absWorkingDir ?? process.cwd();
  const read = new Set(['tsconfig.json', 'package.json'].map((file) => join(root, file)));
  for (const input of Object.keys(metafile.inputs)) {
    for (let path = join(root, input); !relative(root, path).startsWith('..'); path = dirname(path)) {
      read.add(path);
      if (path === root) break;
    }
  }
  const files: Record<string, string> = {};
  for (const path of read) {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat && stat.mtimeMs >= startedAt) return undefined;
    files[path] = describe(stat);
  }
  for (const output of Object.keys(metafile.outputs)) files[join(root, output)] = fingerprint(join(root, output));
  return { options: optionsKey(options), files };
}

export function isCurrent(recordPath: string, options: BuildOptions): boolean {
  try {
    const record = JSON.parse(readFileSync(recordPath, 'utf8')) as BuildRecord;
    return record.options === optionsKey(options) && Object.entries(record.files).every(([path, seen]) => fingerprint(path) === seen);
  } catch {
    return false;
  }
}

export function writeRecord(recordPath: string, record: BuildRecord | undefined): void {
  if (!record) return;
  const temporary = `${recordPath}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify(record));
  renameSync(temporary, recordPath);
}

export const forgetRecord = (recordPath: string) => rmSync(recordPath, { force: true });
