import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { zipEntries } from './zip-entries';

/** Unzips a function's package into `dir` and returns its file names. */
export function extractZip(zipFile: string, dir: string): string[] {
  return zipEntries(zipFile).map((entry) => {
    const file = path.join(dir, entry.name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, entry.read());
    return entry.name;
  });
}

// Loads the bundle and, given an event file, invokes its handler once and prints the result on a
// line of its own after the function's logs.
const RUNNER = `
const [bundle, eventFile, RESULT] = process.argv.slice(1);
const { handler } = require(bundle);
if (eventFile) {
  const event = JSON.parse(require('node:fs').readFileSync(eventFile, 'utf8'));
  const context = { functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, awsRequestId: 'bundle-probe', getRemainingTimeInMillis: () => 10000 };
  handler(event, context).then((result) => process.stdout.write('\\n' + RESULT + JSON.stringify(result) + '\\n'));
}
`;

const RESULT_MARK = 'handler result: ';

/** How the process ended, what it printed, and the handler's result if it was invoked. */
export type BundleRun = { code: number | null; output: string; result?: unknown };

/**
 * Runs a bundle in a fresh Node process with nothing but `env`, from the directory it was unzipped
 * to: like Lambda, it finds no node_modules of ours, only what NODE_PATH (if set) points at.
 */
export function runBundle(bundle: string, env: Record<string, string>, eventFile?: string): Promise<BundleRun> {
  const args = ['-e', RUNNER, bundle, ...(eventFile ? [eventFile, RESULT_MARK] : [])];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: path.dirname(bundle), env, timeout: 30_000 }, (error, stdout, stderr) => {
      const resultLine = stdout.split('\n').find((line) => line.startsWith(RESULT_MARK));
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
        output: stdout + stderr,
        result: resultLine === undefined ? undefined : JSON.parse(resultLine.slice(RESULT_MARK.length)),
      });
    });
  });
}
