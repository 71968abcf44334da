import { closeSync, existsSync, fstatSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';

// local-aws-sqs keeps its messages in memory, out of reach (private fields of a minified bundle).
// This journal watches each queue's public methods instead: every send, receive, visibility change,
// delete and purge is one JSON line, written synchronously before the caller gets its answer, so a
// SIGKILL loses nothing that was acknowledged. At start the journal is replayed and rewritten as the
// live messages only (and again whenever it has grown well past them).

/** The parts of a local-aws-sqs queue the journal uses (its public API). */
type SqsQueue = {
  QueueName: string;
  VisibilityTimeout: number;
  MessageRetentionPeriod: number;
  setRecord: (input: SendInput, messageId?: string, moved?: boolean) => { record: QueueRecord };
  receive(options: { VisibilityTimeout?: number | string }): Promise<QueueRecord[]>;
  delete(receiptHandle: string): boolean;
  changeVisibility(receiptHandle: string, visibilityTimeout: string): boolean;
  clearRecords(): void;
};
type SqsService = { Queues: SqsQueue[] };
type QueueRecord = { MessageId: string; ReceiptHandle: string; attributes: Record<string, string> };
type SendInput = {
  MessageBody: string;
  MessageAttributes?: unknown;
  MessageSystemAttributes?: Record<string, { DataType: string; StringValue?: string }>;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
  DelaySeconds?: number | string;
};

/** One message as the journal knows it. */
type Entry = {
  input: Omit<SendInput, 'DelaySeconds'>;
  sentAt: number;
  /** When it can next be received: the end of its delay, or of its visibility timeout once received. */
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
};

type Line =
  | { o: 's'; q: string; id: string; m: Entry; from?: string }
  | { o: 'r'; q: string; ids: string[]; at: number; until: number }
  | { o: 'v'; q: string; id: string; until: number }
  | { o: 'd'; q: string; id: string }
  | { o: 'p'; q: string };

/** Rewritten once it holds this many times more lines than live messages (and is past `minCompactBytes`). */
const COMPACT_FACTOR = 4;

export type SqsJournal = ReturnType<typeof openSqsJournal>;

/**
 * The messages of `service`'s queues, kept in the file at `path`. Call `restore()` once the queues
 * exist (after provisioning): it puts the journal's messages back and starts journaling.
 */
export function openSqsJournal(path: string, service: SqsService, options: { now?: () => number; minCompactBytes?: number } = {}) {
  const now = options.now ?? Date.now;
  const minCompactBytes = options.minCompactBytes ?? 16 * 1024 * 1024;
  const queues = new Map<string, Map<string, Entry>>();
  let fd: number | undefined;
  let lines = 0;

  const liveMessages = () => [...queues.values()].reduce((sum, messages) => sum + messages.size, 0);
  const messagesOf = (q: string) => queues.get(q) ?? queues.set(q, new Map()).get(q)!;
  function apply(line: Line): void {
    const messages = messagesOf(line.q);
    switch (line.o) {
      case 's':
        if (line.from) queues.get(line.from)?.delete(line.id); // a move to the DLQ
        messages.set(line.id, line.m);
        break;
      case 'r':
        for (const id of line.ids) {
          const entry = messages.get(id);
          if (!entry) continue;
          entry.receiveCount += 1;
          entry.firstReceiveAt ??= line.at;
          entry.visibleAt = line.until;
        }
        break;
      case 'v': {
        const entry = messages.get(line.id);
        if (entry) entry.visibleAt = line.until;
        break;
      }
      case 'd':
        messages.delete(line.id);
        break;
      case 'p':
        messages.clear();
        break;
    }
  }

  function write(line: Line): void {
    apply(line);
    if (fd === undefined) return;
    writeSync(fd, JSON.stringify(line) + '\n');
    lines += 1;
    if (lines % 1000 === 0 && lines > COMPACT_FACTOR * liveMessages() && fstatSync(fd).size > minCompactBytes) compact();
  }

  /** Rewrites the journal as one send line per live message (atomically: a new file renamed over the old). */
  function compact(): void {
    if (fd !== undefined) closeSync(fd);
    const out: string[] = [];
    for (const [q, messages] of queues) {
      for (const [id, m] of messages) out.push(JSON.stringify({ o: 's', q, id, m } satisfies Line));
    }
    writeFileSync(`${path}.tmp`, out.length ? out.join('\n') + '\n' : '');
    renameSync(`${path}.tmp`, path);
    lines = out.length;
    fd = openSync(path, 'a');
  }

  function watch(queue: SqsQueue): void {
    const q = queue.QueueName;
    const setRecord = queue.setRecord;
    queue.setRecord = function journaledSetRecord(input, messageId, moved) {
      const result = setRecord(input, messageId, moved);
      const { record } = result;
      // A FIFO send deduplicated against an earlier one returns that one's id and adds nothing.
      if (!('visible' in result)) return result;
      const at = Number(record.attributes.SentTimestamp) || now();
      const delay = Number(input.DelaySeconds);
      const delaySeconds = Number.isNaN(delay) ? (queue as unknown as { DelaySeconds: number }).DelaySeconds : delay;
      const { DelaySeconds: _delay, ...kept } = input;
      const from = moved ? input.MessageSystemAttributes?.DeadLetterQueueSourceArn?.StringValue?.split(':').pop() : undefined;
      write({ o: 's', q, id: record.MessageId, m: { input: kept, sentAt: at, visibleAt: at + delaySeconds * 1000, receiveCount: 0 }, ...(from && { from }) });
      return result;
    };
    const receive = queue.receive.bind(queue);
    queue.receive = async function journaledReceive(request) {
      const records = await receive(request);
      if (records.length > 0) {
        const seconds = Number(request.VisibilityTimeout);
        const at = now();
        write({ o: 'r', q, ids: records.map((r) => r.MessageId), at, until: at + (Number.isNaN(seconds) ? queue.VisibilityTimeout : seconds) * 1000 });
      }
      return records;
    };
    const del = queue.delete.bind(queue);
    queue.delete = function journaledDelete(receiptHandle) {
      const done = del(receiptHandle);
      const id = messageIdOf(receiptHandle);
      if (id && messagesOf(q).has(id)) write({ o: 'd', q, id });
      return done;
    };
    const changeVisibility = queue.changeVisibility.bind(queue);
    queue.changeVisibility = function journaledChangeVisibility(receiptHandle, seconds) {
      const done = changeVisibility(receiptHandle, seconds);
      const id = messageIdOf(receiptHandle);
      if (done && id) write({ o: 'v', q, id, until: now() + Number(seconds) * 1000 });
      return done;
    };
    const clearRecords = queue.clearRecords.bind(queue);
    queue.clearRecords = function journaledClearRecords() {
      clearRecords();
      if (messagesOf(q).size > 0) write({ o: 'p', q });
    };
  }

  return {
    /**
     * Puts the journal's messages back into the queues that exist, journals every queue from now on,
     * and says what it restored and what it dropped (messages of queues no longer declared, or past retention).
     */
    restore(): { restored: number; dropped: string[] } {
      if (existsSync(path)) {
        for (const text of readFileSync(path, 'utf8').split('\n')) {
          // The last line may be cut short by a kill mid-write: what it said was never acknowledged.
          if (text) tryParse(text, apply);
        }
      }
      const dropped: string[] = [];
      let restored = 0;
      const at = now();
      for (const [q, messages] of queues) {
        const queue = service.Queues.find((candidate) => candidate.QueueName === q);
        if (!queue) {
          if (messages.size > 0) dropped.push(`${messages.size} message(s) of queue ${q}, which serverless.yml no longer declares`);
          queues.delete(q);
          continue;
        }
        for (const [id, m] of messages) {
          if (m.sentAt + queue.MessageRetentionPeriod * 1000 <= at) {
            messages.delete(id);
            continue;
          }
          // A message received before the stop stays invisible until its visibility timeout ends, as
          // on SQS when a consumer dies; a delayed one until its delay ends. Either way it waits as a delay.
          const { record } = queue.setRecord({ ...m.input, DelaySeconds: Math.max(0, m.visibleAt - at) / 1000 }, id, true);
          record.attributes.SentTimestamp = String(m.sentAt);
          record.attributes.ApproximateReceiveCount = String(m.receiveCount);
          if (m.firstReceiveAt) record.attributes.ApproximateFirstReceiveTimestamp = String(m.firstReceiveAt);
          restored += 1;
        }
      }
      for (const queue of service.Queues) watch(queue);
      const push = service.Queues.push.bind(service.Queues);
      service.Queues.push = (...added: SqsQueue[]) => {
        for (const queue of added) watch(queue);
        return push(...added);
      };
      compact();
      return { restored, dropped };
    },
    /** Rewrites the journal as the live messages and closes it. */
    close(): void {
      if (fd === undefined) return;
      compact();
      closeSync(fd);
      fd = undefined;
    },
  };
}

function tryParse(text: string, apply: (line: Line) => void): void {
  let line: Line;
  try {
    line = JSON.parse(text);
  } catch {
    return;
  }
  apply(line);
}

/** local-aws-sqs's receipt handles are base64 of a random UUID and `{"date","MessageId","QueueName"}`. */
function messageIdOf(receiptHandle: string): string | undefined {
  try {
    const text = Buffer.from(receiptHandle, 'base64').toString('utf8');
    return JSON.parse(text.slice(text.indexOf('{'))).MessageId;
  } catch {
    return undefined;
  }
}
