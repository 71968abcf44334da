import { createFaultTable, parseFault } from '../../../../offline/cloud/trace/faults';

describe('faults', () => {
  it('faults the next `count` invocations of a function, then is gone', () => {
    const table = createFaultTable();
    table.add({ function: 'reserveInventory', mode: 'error', count: 2 });
    expect(table.takeForFunction('other')).toBeUndefined();
    expect(table.takeForFunction('reserveInventory')).toMatchObject({ mode: 'error', count: 1 });
    expect(table.list()).toEqual([expect.objectContaining({ count: 1 })]);
    expect(table.takeForFunction('x', 'reserveInventory')).toMatchObject({ count: 0 });
    expect(table.takeForFunction('reserveInventory')).toBeUndefined();
    expect(table.list()).toEqual([]);
  });

  it('faults a percentage of invocations, for as long as it is in force', () => {
    const rolls = [0.1, 0.6, 0.49, 0.9];
    const table = createFaultTable(() => rolls.shift()!);
    table.add({ function: 'f', mode: 'delay', percent: 50, delayMs: 10 });
    expect([1, 2, 3, 4].map(() => Boolean(table.takeForFunction('f')))).toEqual([true, false, true, false]);
    expect(table.size).toBe(1);
  });

  it('API faults match service and action', () => {
    const table = createFaultTable();
    table.add({ service: 'sns', action: 'Publish', error: 'Throttling', count: 1 });
    expect(table.takeForApi('sns', 'CreateTopic')).toBeUndefined();
    expect(table.takeForApi('sns', 'Publish')).toMatchObject({ error: 'Throttling' });
    expect(table.takeForApi('sns', 'Publish')).toBeUndefined();
  });

  it('a table taken from the other process keeps what was used up here meanwhile', () => {
    const cloud = createFaultTable();
    const functions = createFaultTable();
    const fault = cloud.add({ function: 'f', mode: 'error', count: 2 });
    functions.replace(cloud.list());
    functions.takeForFunction('f');
    functions.takeForFunction('f');
    functions.replace(cloud.list()); // sent before the cloud heard of the two uses
    expect(functions.takeForFunction('f')).toBeUndefined();
    cloud.used(fault.id);
    cloud.used(fault.id);
    expect(cloud.list()).toEqual([]);
  });

  it.each([
    [null, 'the body must be a JSON object'],
    [{ mode: 'error', count: 1 }, 'function must name'],
    [{ function: 'f', mode: 'explode', count: 1 }, 'mode must be one of error, timeout, delay'],
    [{ function: 'f', mode: 'error' }, 'count (the next N invocations or calls) or percent is required'],
    [{ function: 'f', mode: 'error', count: 0 }, 'count must be a positive integer'],
    [{ function: 'f', mode: 'error', count: 1, percent: 5 }, 'give count or percent, not both'],
    [{ function: 'f', mode: 'error', percent: 101 }, 'percent must be'],
    [{ function: 'f', mode: 'delay', count: 1 }, 'delayMs must be a positive integer'],
    [{ function: 'f', mode: 'error', count: 1, delayMs: 5 }, 'delayMs is for mode delay only'],
    [{ service: 'lambda', action: 'Invoke', error: 'X', count: 1 }, 'service must be one of'],
    [{ service: 'sns', action: 'Pub lish', error: 'X', count: 1 }, 'action must be'],
    [{ service: 'sns', action: 'Publish', count: 1 }, 'error must be an AWS error code'],
  ])('refuses %j naming the field', (body, message) => {
    expect(parseFault(body)).toEqual(expect.stringContaining(message));
  });

  it('accepts the documented shapes', () => {
    expect(parseFault({ function: 'f', mode: 'delay', count: 3, delayMs: 500 })).toEqual({ function: 'f', mode: 'delay', count: 3, delayMs: 500 });
    expect(parseFault({ service: 'sns', action: 'Publish', error: 'Throttling', percent: 100 })).toEqual({
      service: 'sns',
      action: 'Publish',
      error: 'Throttling',
      percent: 100,
    });
  });
});
