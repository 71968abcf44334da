/**
 * While the functions' process is paused in a debugger, its invocations stand still but the queues'
 * clocks in this process would not: a message being handled would become visible again, be received
 * again and move towards its DLQ behind the developer's back. The functions' process beats while it
 * runs (debug mode only); when the beats stop, `hold` is told how long they have been missing, each
 * time it checks, so the queues' timers can be moved later by as much.
 */
export function holdWhilePaused(options: { hold(ms: number): void; log(message: string): void; checkEveryMs?: number; pausedAfterMs?: number }) {
  const checkEveryMs = options.checkEveryMs ?? 100;
  const pausedAfterMs = options.pausedAfterMs ?? 300;
  // A module loading for half a second stops the beats too: held as well, but said only past a second.
  const sayAfterMs = Math.max(1000, pausedAfterMs);
  let said = false;
  let lastBeat = Date.now();
  let lastCheck = lastBeat;
  let pausedSince: number | undefined;
  const timer = setInterval(function checkFunctionsBeat() {
    const now = Date.now();
    if (now - lastBeat > pausedAfterMs) {
      // The first hold covers the time since the last beat: the pause began then.
      const held = pausedSince === undefined ? now - lastBeat : now - lastCheck;
      pausedSince ??= lastBeat;
      if (!said && now - pausedSince >= sayAfterMs) {
        said = true;
        options.log('the functions are paused (debugger): queue timers held');
      }
      options.hold(held);
    }
    lastCheck = now;
  }, checkEveryMs);
  timer.unref();
  return {
    beat() {
      lastBeat = Date.now();
      if (pausedSince === undefined) return;
      if (said) options.log(`the functions resumed after ${((lastBeat - pausedSince) / 1000).toFixed(1)}s: queue timers run again`);
      pausedSince = undefined;
      said = false;
    },
    stop: () => clearInterval(timer),
  };
}
