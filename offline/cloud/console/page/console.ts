// The console's page: reads the local cloud's JSON API (/api/...) and draws it. Every value shown comes
// from the service's messages, so text is only ever set as text (never as HTML).

type WiringNode = { id: string; kind: string; name: string; label: string };
type WiringEdge = { from: string; to: string; kind: string; label?: string };
type Wiring = { service: string; nodes: WiringNode[]; edges: WiringEdge[] };
type QueueRole = { kind: string; of: string };
type QueueDepth = { name: string; visible: number; inFlight: number; delayed: number; roles: QueueRole[]; redrivable: boolean; peekable: boolean };
type Hop = {
  kind: string;
  function?: string;
  trigger?: string;
  service?: string;
  action?: string;
  target?: string;
  method?: string;
  path?: string;
  status?: number;
  reason?: string;
  delayMs?: number;
  fault?: unknown;
  attempt?: number;
  outcome: string;
  at: string | number;
  durationMs?: number;
  event?: unknown;
  response?: unknown;
  error?: unknown;
  logs?: unknown;
};
type TraceSummary = { correlationId: string; startedAt?: number; hops?: number; functions?: string[]; errors?: number; faults?: number };
type Answer = { status: number; body: any };

const REFRESH_MS = 2000;

const $ = <T extends HTMLElement>(selector: string) => document.querySelector(selector) as T;

/** An element with text or children; attributes as given (never innerHTML). */
function h(tag: string, attributes: Record<string, string> = {}, ...children: (Node | string | undefined)[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child !== undefined) element.append(child);
  return element;
}

async function api(method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

function say(message: string, isError = false): void {
  const status = $('#status');
  status.textContent = message;
  status.classList.toggle('error', isError);
}

/**
 * An action's answer in the status line: its error's message, or what `done` makes of its body, said
 * once `redraw` has shown its effect.
 */
async function act(method: string, path: string, body: unknown, done: (answer: any) => string, redraw?: () => Promise<void>): Promise<Answer> {
  try {
    const answer = await api(method, path, body);
    await redraw?.();
    if (answer.status >= 400) say(`${method} ${path}: ${answer.body?.error?.message ?? answer.status}`, true);
    else say(done(answer.body));
    return answer;
  } catch (error) {
    say(`${method} ${path}: ${(error as Error).message}`, true);
    return { status: 0, body: undefined };
  }
}

/** Marks a section whose API this local cloud does not serve (a 404 for its route). */
function unavailable(section: string, what: string): void {
  const note = $(`#${section} .unavailable`);
  note.textContent = `${what} are not served by this local cloud (its API answered 404).`;
  note.hidden = false;
  for (const control of document.querySelectorAll<HTMLButtonElement | HTMLInputElement | HTMLSelectElement>(
    `#${section} button, #${section} input, #${section} select`,
  )) {
    control.disabled = true;
  }
}

const pretty = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));
const failed = (outcome: string) => !/^(ok|success|succeeded|delivered)$/i.test(outcome);
const time = (at: string | number) =>
  new Date(at).toLocaleTimeString(undefined, { hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 });

// ---- wiring ----------------------------------------------------------------------------------------

let wiring: Wiring | undefined;

async function loadWiring(): Promise<void> {
  const answer = await api('GET', '/api/wiring');
  if (answer.status !== 200) return say(`GET /api/wiring: ${answer.status}`, true);
  wiring = answer.body as Wiring;
  $('#service').textContent = wiring.service;
  drawWiring(wiring);
  const list = $('#wiring-list');
  list.replaceChildren(...wiring.edges.map((e) => h('li', {}, `${e.from} → ${e.to} (${e.kind}${e.label ? `: ${e.label}` : ''})`)));
  const functions = wiring.nodes.filter((n) => n.kind === 'function').map((n) => n.name);
  $('#fault-function').replaceChildren(...functions.map((name) => h('option', { value: name }, name)));
  const scheduled = wiring.edges.filter((e) => e.from.startsWith('schedule:') && e.to.startsWith('function:'));
  $('#schedule-list').replaceChildren(
    ...scheduled.map((e) => {
      const fn = e.to.slice('function:'.length);
      const fire = h('button', { type: 'button' }, `Fire ${fn}'s schedule now`);
      fire.addEventListener('click', () => void act('POST', `/api/schedules/${encodeURIComponent(fn)}/fire`, undefined, () => `${fn}'s schedule fired`));
      return h('li', {}, `${fn} on ${e.from.slice('schedule:'.length)} `, fire);
    }),
  );
}

/** Columns by longest path from the sources (triggers left, destinations right); one row per node. */
function drawWiring({ nodes, edges }: Wiring): void {
  const layer = new Map(nodes.map((n) => [n.id, 0]));
  // Bounded: a cycle (a destination back to an earlier function) must not loop.
  for (let pass = 0; pass < nodes.length; pass++) {
    let moved = false;
    for (const e of edges) {
      const next = layer.get(e.from)! + 1;
      if (next > layer.get(e.to)! && next < nodes.length) {
        layer.set(e.to, next);
        moved = true;
      }
    }
    if (!moved) break;
  }
  const connected = nodes.filter((n) => edges.some((e) => e.from === n.id || e.to === n.id));
  const byLayer: WiringNode[][] = [];
  for (const n of connected) (byLayer[layer.get(n.id)!] ??= []).push(n);
  // A cycle (the table's stream feeding a function that writes the table) can leave a layer empty.
  const columns = byLayer.filter((column) => column !== undefined);
  // Each column in the order of what feeds it, so that lines cross less.
  for (let c = 1; c < columns.length; c++) {
    const row = new Map(columns[c - 1].map((n, i) => [n.id, i]));
    const rank = (n: WiringNode) => {
      const from = edges.filter((e) => e.to === n.id && row.has(e.from)).map((e) => row.get(e.from)!);
      return from.length ? from.reduce((a, b) => a + b, 0) / from.length : Number.MAX_SAFE_INTEGER;
    };
    columns[c].sort((a, b) => rank(a) - rank(b));
  }
  const W = 210;
  const H = 24;
  const GAP_X = 90;
  const GAP_Y = 8;
  const position = new Map<string, { x: number; y: number }>();
  columns.forEach((column, c) => column.forEach((n, r) => position.set(n.id, { x: 10 + c * (W + GAP_X), y: 10 + r * (H + GAP_Y) })));
  const width = 20 + columns.length * (W + GAP_X);
  const height = 20 + Math.max(...columns.map((c) => c.length)) * (H + GAP_Y);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = (tag: string, attributes: Record<string, string | number>, text?: string) => {
    const element = document.createElementNS(ns, tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
    if (text !== undefined) element.textContent = text;
    return element;
  };
  const root = svg('svg', {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `The wiring of ${connected.length} resources and functions; the same as a list below`,
  });
  for (const e of edges) {
    const a = position.get(e.from);
    const b = position.get(e.to);
    if (!a || !b) continue;
    const [x1, y1, x2, y2] = [a.x + W, a.y + H / 2, b.x, b.y + H / 2];
    const bend = Math.max(40, Math.abs(x2 - x1) / 2);
    const path = svg('path', { d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`, class: `edge-${e.kind}` });
    path.append(svg('title', {}, `${e.from} → ${e.to} (${e.kind}${e.label ? `: ${e.label}` : ''})`));
    root.append(path);
  }
  for (const n of connected) {
    const { x, y } = position.get(n.id)!;
    const group = svg('g', { class: `node node-${n.kind}` });
    group.append(svg('rect', { x, y, width: W, height: H, rx: 4 }));
    const label = `${n.kind === 'function' ? 'λ' : n.kind} ${n.label}`;
    group.append(svg('text', { x: x + 6, y: y + 16 }, label.length > 32 ? `${label.slice(0, 31)}…` : label));
    group.append(svg('title', {}, `${n.kind} ${n.name}`));
    root.append(group);
  }
  $('#wiring-drawing').replaceChildren(root);
}

// ---- traces ----------------------------------------------------------------------------------------

let tracesServed = true;
let openTrace: string | undefined;

let tracesAsked = 0;
/** One list item per trace, kept across refreshes: a redraw never takes a button from under a click. */
const traceItems = new Map<string, HTMLElement>();

async function loadTraces(): Promise<void> {
  if (!tracesServed) return;
  const query = ($('#trace-query') as HTMLInputElement).value.trim();
  // Typing asks again at each key: only the answer to the latest question is drawn.
  const asked = ++tracesAsked;
  const answer = await api('GET', `/api/traces?q=${encodeURIComponent(query)}`);
  if (asked !== tracesAsked) return;
  if (answer.status === 404) {
    tracesServed = false;
    return unavailable('traces', 'Traces');
  }
  if (answer.status !== 200) return say(`GET /api/traces: ${answer.body?.error?.message ?? answer.status}`, true);
  const traces: TraceSummary[] = Array.isArray(answer.body) ? answer.body : (answer.body?.traces ?? []);
  const items = traces.map((trace) => {
    const details = [
      trace.startedAt !== undefined ? time(trace.startedAt) : undefined,
      trace.hops !== undefined ? `${trace.hops} hops` : undefined,
      trace.errors ? `${trace.errors} failed` : undefined,
      trace.faults ? `${trace.faults} injected` : undefined,
      trace.functions?.join(', '),
    ]
      .filter(Boolean)
      .join(' · ');
    let item = traceItems.get(trace.correlationId);
    if (!item) {
      const button = h('button', { type: 'button' }, h('span', { class: 'id' }, trace.correlationId), h('br'), h('span', { class: 'small' }, ''));
      button.addEventListener('click', () => void showTrace(trace.correlationId));
      item = h('li', {}, button);
      traceItems.set(trace.correlationId, item);
    }
    item.querySelector('button')!.setAttribute('aria-current', String(trace.correlationId === openTrace));
    item.querySelector('.small')!.textContent = details;
    return item;
  });
  const shown = new Set(traces.map((t) => t.correlationId));
  for (const id of traceItems.keys()) if (!shown.has(id)) traceItems.delete(id);
  const list = $('#trace-list');
  // Appending an item already in the list moves it: the order follows the answer, the elements stay.
  for (const item of items) list.append(item);
  for (const child of [...list.children]) if (!items.includes(child as HTMLElement)) child.remove();
  if (traces.length === 0) list.append(h('li', { class: 'small' }, query ? `No trace matches “${query}”` : 'No traces yet'));
}

/** The trace detail as last drawn (its JSON). */
let drawnTrace = '';

async function showTrace(correlationId: string): Promise<void> {
  openTrace = correlationId;
  for (const button of document.querySelectorAll('#trace-list button'))
    button.setAttribute('aria-current', String(button.querySelector('.id')?.textContent === correlationId));
  const answer = await api('GET', `/api/traces/${encodeURIComponent(correlationId)}`);
  const detail = $('#trace-detail');
  if (answer.status !== 200) {
    drawnTrace = '';
    return void detail.replaceChildren(h('p', {}, `Trace ${correlationId}: ${answer.body?.error?.message ?? answer.status}`));
  }
  const hops: Hop[] = answer.body.hops ?? [];
  // Unchanged since it was drawn: left as it is, hops the user opened included.
  const drawn = JSON.stringify(answer.body);
  if (drawnTrace === drawn) return;
  drawnTrace = drawn;
  const start = Math.min(...hops.map((hop) => new Date(hop.at).getTime()));
  const end = Math.max(...hops.map((hop) => new Date(hop.at).getTime() + (hop.durationMs ?? 0)));
  const span = Math.max(1, end - start);
  const items = hops.map((hop) => {
    const offset = new Date(hop.at).getTime() - start;
    // A batch function that reported failed records answered fine, yet those records failed (and come back).
    const failedRecords = (hop.response as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures?.length ?? 0;
    const bad = failed(hop.outcome) || failedRecords > 0;
    const outcome = failedRecords > 0 ? `${hop.outcome}, ${failedRecords} record(s) failed` : hop.outcome;
    const receive = (hop.event as { Records?: { attributes?: { ApproximateReceiveCount?: string } }[] } | undefined)?.Records?.[0]?.attributes
      ?.ApproximateReceiveCount;
    const title = [
      `+${offset} ms`,
      hop.kind,
      hop.function,
      hop.trigger && `by ${hop.trigger}`,
      hop.method && `${hop.method} ${hop.path ?? ''}${hop.status ? ` → ${hop.status}` : ''}`,
      hop.service && `${hop.service}${hop.action ? ` ${hop.action}` : ''}`,
      hop.target,
      hop.attempt !== undefined ? `attempt ${hop.attempt}` : undefined,
      hop.attempt === undefined && receive ? `receive ${receive}` : undefined,
      hop.durationMs !== undefined ? `${hop.durationMs} ms` : undefined,
      hop.delayMs !== undefined ? `next in ${hop.delayMs} ms` : undefined,
      hop.reason,
    ].filter(Boolean);
    const bar = h('span', { class: bad ? 'failed' : '', style: `left:${(offset / span) * 100}%;width:${((hop.durationMs ?? 0) / span) * 100}%` });
    const parts = (['event', 'response', 'error', 'logs', 'fault'] as const)
      .filter((part) => hop[part] !== undefined)
      .map((part) => h('div', {}, h('h4', {}, part), h('pre', {}, pretty(hop[part]))));
    const summary = h(
      'summary',
      {},
      `${time(hop.at)} · ${title.join(' · ')} · `,
      h('span', { class: bad ? 'outcome-failed' : 'outcome-ok' }, outcome),
      h('div', { class: 'bar', 'aria-hidden': 'true' }, bar),
    );
    return h('li', { class: 'hop', 'data-function': hop.function ?? '', 'data-failed': String(bad) }, h('details', {}, summary, ...parts));
  });
  detail.replaceChildren(
    h('h3', {}, 'Trace ', h('span', { class: 'id' }, correlationId), ` · ${hops.length} hops`),
    h('ol', { class: 'timeline', 'aria-label': 'Hops' }, ...items),
  );
}

// ---- queues ----------------------------------------------------------------------------------------

let queuesAsked = 0;

async function loadQueues(): Promise<void> {
  // A refresh asked before an action may answer after it: only the latest answer is drawn.
  const asked = ++queuesAsked;
  const answer = await api('GET', '/api/queues');
  if (asked !== queuesAsked) return;
  if (answer.status !== 200) return say(`GET /api/queues: ${answer.body?.error?.message ?? answer.status}`, true);
  const queues: QueueDepth[] = answer.body.queues;
  $('#queue-rows').replaceChildren(
    ...queues.map((q) => {
      const actions = h('td');
      if (q.peekable) {
        const show = h('button', { type: 'button' }, 'Show messages');
        show.setAttribute('aria-label', `Show the messages of ${q.name}`);
        show.addEventListener('click', () => void showMessages(q.name));
        actions.append(show, ' ');
      }
      if (q.redrivable) {
        const redrive = h('button', { type: 'button', 'aria-label': `Redrive ${q.name}` }, 'Redrive');
        redrive.addEventListener('click', () => void redriveQueue(q.name));
        actions.append(redrive);
      }
      const roles = q.roles.map((r) => `${r.kind.replace(/-/g, ' ')} of ${r.of}`).join('; ');
      return h(
        'tr',
        { class: q.visible + q.inFlight + q.delayed > 0 ? 'has-messages' : '', 'data-queue': q.name },
        h('th', { scope: 'row', class: 'id' }, q.name),
        h('td', { class: 'small' }, roles),
        h('td', { class: 'count', 'data-count': 'visible' }, String(q.visible)),
        h('td', { class: 'count', 'data-count': 'in-flight' }, String(q.inFlight)),
        h('td', { class: 'count', 'data-count': 'delayed' }, String(q.delayed)),
        actions,
      );
    }),
  );
}

async function showMessages(queue: string): Promise<void> {
  const answer = await act(
    'GET',
    `/api/queues/${encodeURIComponent(queue)}/messages`,
    undefined,
    (body) => `${body.messages.length} message(s) shown from ${queue}`,
  );
  if (answer.status !== 200) return;
  const messages: { messageId: string; summary: string; body: string; attributes: unknown; messageAttributes: unknown }[] = answer.body.messages;
  $('#queue-messages').replaceChildren(
    h('h3', {}, `Messages in ${queue} (up to 10, left in the queue)`),
    ...(messages.length === 0
      ? [h('p', {}, `${queue} is empty`)]
      : messages.map((m) =>
          h(
            'details',
            {},
            h('summary', {}, h('span', { class: 'id' }, m.messageId), ` ${m.summary}`),
            h('pre', {}, pretty(tryJson(m.body))),
            h('pre', {}, pretty({ attributes: m.attributes, messageAttributes: m.messageAttributes })),
          ),
        )),
  );
}

async function redriveQueue(queue: string): Promise<void> {
  await act(
    'POST',
    `/api/queues/${encodeURIComponent(queue)}/redrive`,
    undefined,
    (body) => `${body.moved} message(s) sent back from ${body.queue} to ${body.to}`,
    async () => {
      $('#queue-messages').replaceChildren();
      await loadQueues();
    },
  );
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// ---- clock and faults ------------------------------------------------------------------------------

let clockServed = true;
let faultsServed = true;

async function loadClock(): Promise<void> {
  if (!clockServed) return;
  const answer = await api('GET', '/api/clock');
  if (answer.status === 404) {
    clockServed = false;
    return unavailable('clock', 'The clock and schedules');
  }
  const now = answer.body?.now ?? answer.body;
  $('#clock-now').textContent = typeof now === 'object' ? JSON.stringify(now) : String(now);
}

async function loadFaults(): Promise<void> {
  if (!faultsServed) return;
  const answer = await api('GET', '/api/faults');
  if (answer.status === 404) {
    faultsServed = false;
    return unavailable('faults', 'Faults');
  }
  const faults: unknown[] = Array.isArray(answer.body) ? answer.body : (answer.body?.faults ?? []);
  $('#fault-list').replaceChildren(
    ...(faults.length ? faults.map((f) => h('li', { class: 'id' }, JSON.stringify(f))) : [h('li', { class: 'small' }, 'No faults')]),
  );
}

function wireForms(): void {
  $('#trace-search').addEventListener('submit', (event) => {
    event.preventDefault();
    void loadTraces();
  });
  $('#trace-query').addEventListener('input', () => void loadTraces());
  $('#clock-advance').addEventListener('submit', (event) => {
    event.preventDefault();
    const seconds = Number(($('#advance-seconds') as HTMLInputElement).value);
    void act('POST', '/api/clock/advance', { seconds }, () => `Clock advanced by ${seconds} s`, loadClock);
  });
  $('#skip-delays').addEventListener('click', () => void act('POST', '/api/clock/skip-delays', undefined, () => 'Pending delays ended'));
  $('#fault-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const fault: Record<string, unknown> = { function: form.get('function'), mode: form.get('mode'), count: Number(form.get('count')) };
    if (fault.mode === 'delay') fault.delayMs = Number(form.get('delayMs'));
    void act('POST', '/api/faults', fault, () => `Fault added: ${fault.function} (${fault.mode}, ${fault.count} invocation(s))`, loadFaults);
  });
  $('#clear-faults').addEventListener('click', () => void act('DELETE', '/api/faults', undefined, () => 'Faults cleared', loadFaults));
}

/** The live parts, every REFRESH_MS while the page is visible, one round at a time. */
async function refresh(): Promise<void> {
  if (document.visibilityState === 'visible') {
    await Promise.all([loadTraces(), loadQueues(), loadClock(), loadFaults(), openTrace ? showTraceKeepingOpen(openTrace) : undefined]).catch((error: Error) =>
      say(`The local cloud did not answer: ${error.message}`, true),
    );
  }
  setTimeout(() => void refresh(), REFRESH_MS);
}

/** Redraws the open trace with the hops that arrived since, keeping open the hops the user opened. */
async function showTraceKeepingOpen(correlationId: string): Promise<void> {
  const opened = [...document.querySelectorAll<HTMLDetailsElement>('#trace-detail details')].map((d) => d.open);
  await showTrace(correlationId);
  document.querySelectorAll<HTMLDetailsElement>('#trace-detail details').forEach((d, i) => (d.open = opened[i] ?? false));
}

wireForms();
void loadWiring().then(refresh);
