import { badRequest, notFound, type ApiResponse, type Route } from '../console/route';
import type { LocalClock } from './local-clock';

/** Ten years: more is surely a mistake (a value in ms?), and Node's timers cannot count that far anyway. */
const MAX_ADVANCE_SECONDS = 10 * 365 * 24 * 3600;

export type ClockControl = {
  clock: LocalClock;
  /** Fires the schedules of the function (its key in serverless.yml) now; how many it has, or undefined before the event sources run. */
  fireSchedule(functionKey: string): number | undefined;
  /** The functions that have a schedule, for the 404's message. */
  scheduledFunctions(): string[];
  /** Ends the queues' pending delays and visibility timeouts now: how many, or what cannot be done (docker mode). */
  skipDelays(): { ended: number; warning?: string };
};

const notStarted: ApiResponse = { status: 503, body: { error: { code: 'NOT_READY', message: 'The event sources are not started yet' } } };

/** The console's clock API: read and advance the local cloud's clock, fire a schedule, end delays. */
export function clockRoutes(control: ClockControl): Route[] {
  const reading = () => ({ now: new Date(control.clock.now()).toISOString(), offsetSeconds: control.clock.offsetMs() / 1000 });
  return [
    { method: 'GET', path: '/api/clock', handle: () => ({ status: 200, body: reading() }) },
    {
      method: 'POST',
      path: '/api/clock/advance',
      async handle({ body }) {
        const seconds = (body as { seconds?: unknown } | undefined)?.seconds;
        if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_ADVANCE_SECONDS) {
          return badRequest(`seconds: a number of seconds greater than 0 and at most ${MAX_ADVANCE_SECONDS} is required, e.g. {"seconds": 3600}`);
        }
        await control.clock.advance(seconds);
        return { status: 200, body: reading() };
      },
    },
    {
      method: 'POST',
      path: '/api/schedules/:function/fire',
      handle({ params }) {
        const fired = control.fireSchedule(params.function);
        if (fired === undefined) return notStarted;
        if (fired === 0) {
          const scheduled = control.scheduledFunctions();
          return notFound(`function ${params.function} has no schedule (functions with one: ${scheduled.length > 0 ? scheduled.join(', ') : 'none'})`);
        }
        return { status: 200, body: { function: params.function, fired, at: new Date(control.clock.now()).toISOString() } };
      },
    },
    {
      method: 'POST',
      path: '/api/clock/skip-delays',
      handle: () => ({ status: 200, body: control.skipDelays() }),
    },
  ];
}
