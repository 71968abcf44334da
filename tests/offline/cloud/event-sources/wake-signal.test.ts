import { createWakeSignal } from '../../../../offline/cloud/event-sources/wake-signal';

describe('createWakeSignal', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Whether the promise settled after letting pending callbacks run. */
  const settled = async (promise: Promise<void>) => {
    let done = false;
    void promise.then(() => (done = true));
    for (let turn = 0; turn < 10; turn++) await Promise.resolve();
    return done;
  };

  it('sleeps until the time is up when nothing is written', async () => {
    const signal = createWakeSignal();
    const sleeping = signal.sleep(1000, signal.generation());

    jest.advanceTimersByTime(999);
    expect(await settled(sleeping)).toBe(false);
    jest.advanceTimersByTime(1);
    expect(await settled(sleeping)).toBe(true);
  });

  it('wakes every sleeper when notified', async () => {
    const signal = createWakeSignal();
    const sleepers = [signal.sleep(60_000, signal.generation()), signal.sleep(60_000, signal.generation())];

    signal.notify();

    expect(await settled(Promise.all(sleepers).then(() => undefined))).toBe(true);
  });

  it('does not sleep at all when a write came after the sleeper last looked', async () => {
    const signal = createWakeSignal();
    const seen = signal.generation();
    signal.notify(); // e.g. while the sleeper was reading

    expect(await settled(signal.sleep(60_000, seen))).toBe(true);
  });

  it('wakes on abort, and does not sleep once aborted', async () => {
    const signal = createWakeSignal();
    const abort = new AbortController();
    const sleeping = signal.sleep(60_000, signal.generation(), abort.signal);

    abort.abort();

    expect(await settled(sleeping)).toBe(true);
    expect(await settled(signal.sleep(60_000, signal.generation(), abort.signal))).toBe(true);
  });

  it('forgets a sleeper once it woke: a later notify finds nobody', async () => {
    const signal = createWakeSignal();
    await Promise.all([signal.sleep(10, signal.generation()), jest.advanceTimersByTimeAsync(10)]);

    expect(() => signal.notify()).not.toThrow();
    expect(signal.generation()).toBe(1);
  });
});
