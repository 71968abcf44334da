/**
 * Faults on demand, as AWS FIS's Lambda actions inject them: a function fails, times out or is
 * delayed for its next `count` invocations or a `percent` of them; or one AWS API of the local cloud
 * answers an AWS error. Plain data, so the functions' process gets the same table over IPC.
 */
export type FunctionFault = {
  id: number;
  function: string;
  mode: 'error' | 'timeout' | 'delay';
  /** Invocations left to fault; absent with `percent`. */
  count?: number;
  percent?: number;
  delayMs?: number;
};

export type ApiFault = { id: number; service: string; action: string; error: string; count?: number; percent?: number };

export type Fault = FunctionFault | ApiFault;

export type FaultInput = Omit<FunctionFault, 'id'> | Omit<ApiFault, 'id'>;

const MODES = ['error', 'timeout', 'delay'];
/** The services whose APIs the embedded cloud can make fail, by their SigV4 signing name. */
export const FAULTABLE_SERVICES = ['sns', 'sqs', 'dynamodb', 'kinesis', 'events', 's3'];

/** A fault request checked field by field; a string naming the first field that is wrong. */
export function parseFault(body: unknown): FaultInput | string {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'the body must be a JSON object';
  const b = body as Record<string, unknown>;
  const share = parseShare(b);
  if (typeof share === 'string') return share;
  if ('service' in b) {
    if (typeof b.service !== 'string' || !FAULTABLE_SERVICES.includes(b.service))
      return `service must be one of ${FAULTABLE_SERVICES.join(', ')} (the SigV4 signing name)`;
    if (typeof b.action !== 'string' || !/^[A-Za-z]+$/.test(b.action)) return 'action must be the API action name, e.g. Publish';
    if (typeof b.error !== 'string' || !/^[A-Za-z.]+$/.test(b.error)) return 'error must be an AWS error code, e.g. Throttling';
    return { service: b.service, action: b.action, error: b.error, ...share };
  }
  if (typeof b.function !== 'string' || b.function === '') return 'function must name a function (or give service, action and error)';
  if (typeof b.mode !== 'string' || !MODES.includes(b.mode)) return `mode must be one of ${MODES.join(', ')}`;
  if (b.mode === 'delay' && !(Number.isInteger(b.delayMs) && (b.delayMs as number) > 0)) return 'delayMs must be a positive integer with mode delay';
  if (b.mode !== 'delay' && b.delayMs !== undefined) return 'delayMs is for mode delay only';
  return { function: b.function, mode: b.mode as FunctionFault['mode'], ...share, ...(b.mode === 'delay' ? { delayMs: b.delayMs as number } : {}) };
}

function parseShare(b: Record<string, unknown>): { count: number } | { percent: number } | string {
  if (b.count !== undefined && b.percent !== undefined) return 'give count or percent, not both';
  if (b.percent !== undefined) {
    if (typeof b.percent !== 'number' || !(b.percent > 0 && b.percent <= 100)) return 'percent must be a number above 0, at most 100';
    return { percent: b.percent };
  }
  if (b.count === undefined) return 'count (the next N invocations or calls) or percent is required';
  if (!Number.isInteger(b.count) || (b.count as number) < 1) return 'count must be a positive integer';
  return { count: b.count as number };
}

/**
 * The faults in force. `take` decides whether the next invocation (call) is faulted, using up one of a
 * `count`; a fault whose count is used up is gone. `random` decides the `percent` ones (tests pass their own).
 */
export function createFaultTable(random: () => number = Math.random) {
  let faults: Fault[] = [];
  let lastId = 0;
  // Used up here: a table from the other process that still has them (it had not heard yet) does not bring them back.
  const gone = new Set<number>();
  const applies = (fault: Fault) => (fault.percent !== undefined ? random() * 100 < fault.percent : true);
  const useUp = (fault: Fault) => {
    if (fault.count === undefined) return;
    fault.count -= 1;
    if (fault.count > 0) return;
    faults = faults.filter((f) => f !== fault);
    gone.add(fault.id);
  };
  return {
    add(input: FaultInput): Fault {
      const fault = { id: ++lastId, ...input } as Fault;
      faults.push(fault);
      return fault;
    },
    list: (): Fault[] => faults.map((fault) => ({ ...fault })),
    /** Takes the other process's table (the functions' process gets the cloud's), keeping what was used here meanwhile. */
    replace(next: Fault[]) {
      const current = new Map(faults.map((fault) => [fault.id, fault]));
      faults = next
        .filter((fault) => !gone.has(fault.id))
        .map((fault) => {
          const count = current.get(fault.id)?.count;
          return count !== undefined && fault.count !== undefined ? { ...fault, count: Math.min(count, fault.count) } : { ...fault };
        });
    },
    clear() {
      faults = [];
    },
    /** The function fault the next invocation of `functionKey` (or its deployed name) gets, if any. */
    takeForFunction(...names: (string | undefined)[]): FunctionFault | undefined {
      if (faults.length === 0) return undefined;
      const fault = faults.find((f): f is FunctionFault => 'function' in f && names.includes(f.function) && applies(f));
      if (fault) useUp(fault);
      return fault && { ...fault };
    },
    takeForApi(service: string, action: string): ApiFault | undefined {
      if (faults.length === 0) return undefined;
      const fault = faults.find((f): f is ApiFault => 'service' in f && f.service === service && f.action === action && applies(f));
      if (fault) useUp(fault);
      return fault && { ...fault };
    },
    /** A fault the other process used: one less of its count here too. */
    used(id: number) {
      const fault = faults.find((f) => f.id === id);
      if (fault) useUp(fault);
    },
    get size() {
      return faults.length;
    },
  };
}

export type FaultTable = ReturnType<typeof createFaultTable>;
