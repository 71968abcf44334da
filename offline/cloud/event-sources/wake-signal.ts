/**
 * A signal a poller can sleep on: it wakes early when something was written, so an idle source is
 * polled rarely yet read at once. Notifications between a read and the sleep are not lost: the
 * sleeper passes the generation it saw before reading, and returns at once if it moved since.
 */
export type WakeSignal = ReturnType<typeof createWakeSignal>;

export function createWakeSignal() {
  let generation = 0;
  const sleepers = new Set<() => void>();
  return {
    notify(): void {
      generation += 1;
      for (const wake of [...sleepers]) wake();
    },
    generation: (): number => generation,
    /** Resolves after `ms`, when notified, or when `abort` fires, whichever is first. */
    sleep(ms: number, seen: number, abort?: AbortSignal): Promise<void> {
      if (generation !== seen || abort?.aborted) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          sleepers.delete(done);
          abort?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        sleepers.add(done);
        abort?.addEventListener('abort', done, { once: true });
      });
    },
  };
}
