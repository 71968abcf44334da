import { badRequest, notFound, type Route } from '../console/route';
import type { TraceStore } from './trace-store';
import { parseFault, type FaultTable } from './faults';

/** GET /api/traces?q=… (summaries, newest first) and GET /api/traces/:correlationId (its hops in order). */
export function traceRoutes(store: TraceStore): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/traces',
      handle: ({ query }) => {
        const limit = query.get('limit');
        if (limit !== null && !(Number.isInteger(Number(limit)) && Number(limit) > 0)) return badRequest('limit must be a positive integer');
        return { status: 200, body: { traces: store.search(query.get('q') ?? '', limit ? Number(limit) : undefined) } };
      },
    },
    {
      method: 'GET',
      path: '/api/traces/:correlationId',
      handle: ({ params }) => {
        const trace = store.get(params.correlationId);
        return trace ? { status: 200, body: trace } : notFound(`No trace of ${params.correlationId} (only the last traces are kept)`);
      },
    },
  ];
}

export type FaultControl = {
  table: FaultTable;
  /** Why the AWS API faults cannot be honoured (docker mode), or undefined when they can. */
  apiFaultsUnavailable?: string;
  /** The table changed: the functions' process gets it. */
  changed(): void;
};

/** POST /api/faults (one fault; 400 naming the field), GET /api/faults (with what is left), DELETE /api/faults. */
export function faultRoutes(control: FaultControl): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/faults',
      handle: ({ body }) => {
        const input = parseFault(body);
        if (typeof input === 'string') return badRequest(input);
        if ('service' in input && control.apiFaultsUnavailable) return badRequest(control.apiFaultsUnavailable);
        const fault = control.table.add(input);
        control.changed();
        return { status: 201, body: fault };
      },
    },
    { method: 'GET', path: '/api/faults', handle: () => ({ status: 200, body: { faults: control.table.list() } }) },
    {
      method: 'DELETE',
      path: '/api/faults',
      handle: () => {
        const cleared = control.table.size;
        control.table.clear();
        control.changed();
        return { status: 200, body: { cleared } };
      },
    },
  ];
}
