import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One move of the local cloud's clock: from `at` (real ms) on, local time is real time + `offsetMs`. */
type Step = { at: number; offsetMs: number };

/**
 * The local cloud's time: real time plus an offset that only grows (POST /api/clock/advance). What
 * the local cloud measures (event and record ages, schedules) is measured on it, and the functions
 * read the same offset (plugin/function-clock.ts). The emulators stamp messages and records with real
 * time: `toLocal` says what the local clock read at a real instant, so an age spans only the advances
 * made after the stamp.
 */
export type LocalClock = {
  /** Local time, in ms. */
  now(): number;
  offsetMs(): number;
  /** The local time at real instant `realMs` (a timestamp of an emulator). */
  toLocal(realMs: number): number;
  /** Moves local time forward; listeners run before it settles (functions, queues' timers, schedules). */
  advance(seconds: number): Promise<void>;
  onAdvance(listener: (ms: number) => void | Promise<void>): void;
};

/**
 * A clock starting at the offset `file` kept (the last run's advances survive a restart, as the data
 * stamped with them does), or 0. Every advance is written to `file`, which `sls invoke local` reads too.
 */
export function createLocalClock(options: { file?: string; restore?: boolean; realNow?: () => number } = {}): LocalClock {
  const realNow = options.realNow ?? Date.now;
  const steps: Step[] = (options.restore && options.file && readSteps(options.file)) || [];
  const listeners: ((ms: number) => void | Promise<void>)[] = [];
  const offsetMs = () => steps[steps.length - 1]?.offsetMs ?? 0;
  const save = () => {
    if (!options.file) return;
    mkdirSync(dirname(options.file), { recursive: true });
    writeFileSync(`${options.file}.tmp`, JSON.stringify({ offsetMs: offsetMs(), steps }));
    renameSync(`${options.file}.tmp`, options.file);
  };
  save(); // what runs now, for `invoke local` (a run that does not restore starts at 0)
  return {
    now: () => realNow() + offsetMs(),
    offsetMs,
    toLocal(realMs) {
      for (let i = steps.length - 1; i >= 0; i--) if (steps[i].at <= realMs) return realMs + steps[i].offsetMs;
      return realMs;
    },
    async advance(seconds) {
      const ms = Math.round(seconds * 1000);
      steps.push({ at: realNow(), offsetMs: offsetMs() + ms });
      save();
      for (const listener of listeners) await listener(ms);
    },
    onAdvance: (listener) => void listeners.push(listener),
  };
}

/** The offset (ms) a clock file says, or 0: what `sls invoke local` gives its function. */
export function readClockOffsetMs(file: string): number {
  const steps = readSteps(file);
  return steps?.[steps.length - 1]?.offsetMs ?? 0;
}

function readSteps(file: string): Step[] | undefined {
  try {
    const { steps } = JSON.parse(readFileSync(file, 'utf8')) as { steps?: Step[] };
    return Array.isArray(steps) ? steps.filter((s) => Number.isFinite(s.at) && Number.isFinite(s.offsetMs)) : undefined;
  } catch {
    return undefined;
  }
}
