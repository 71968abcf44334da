import { readFileSync, rmSync } from 'node:fs';
import { stopProcessGroup } from '../../support/process-group';
import { PID_FILE } from './ports';

/** Stops the local cloud's whole process group (jest's global teardown). */
export default async function stopLocalCloud(): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(PID_FILE, 'utf8'));
  } catch {
    return;
  }
  rmSync(PID_FILE, { force: true });
  await stopProcessGroup(pid);
}
