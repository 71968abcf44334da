import { readFileSync, rmSync } from 'node:fs';
import { PID_FILE } from './ports';

/** Stops the local cloud's whole process group: Ctrl-C first, as a user would, then for good. */
export default async function stopLocalCloud(): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(PID_FILE, 'utf8'));
  } catch {
    return;
  }
  rmSync(PID_FILE, { force: true });
  const alive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(-pid, 'SIGINT');
  const deadline = Date.now() + 10_000;
  while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (alive()) process.kill(-pid, 'SIGKILL');
}
