import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';

export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
/** An item in DynamoDB's JSON (attribute name -> { S: '…' } …), as dynalite keeps it. */
export type Item = Record<string, Record<string, unknown>>;

/** A table's description, as dynalite gives it to its onItemWrite hook and DescribeTable answers. */
export type StreamTable = {
  TableName: string;
  TableId?: string;
  KeySchema: { AttributeName: string; KeyType: string }[];
  CreationDateTime?: number;
  StreamSpecification?: { StreamEnabled?: boolean; StreamViewType?: string };
  LatestStreamArn?: string;
  LatestStreamLabel?: string;
};

/** A stream record exactly as GetRecords returns it. */
export type StreamRecord = {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  dynamodb: {
    ApproximateCreationDateTime: number;
    Keys: Item;
    NewImage?: Item;
    OldImage?: Item;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: StreamViewType;
  };
};

type Stored = { seq: number; at: number; size: number; record: StreamRecord };

/**
 * One table's stream. DynamoDB splits a stream into shards that close every few hours and follow
 * the table's partitions; locally one shard per stream, never closed, is enough: a consumer reads it
 * the same way (DescribeStream, then an iterator per shard).
 */
export type Stream = {
  arn: string;
  label: string;
  tableName: string;
  tableId: string;
  viewType: StreamViewType;
  keySchema: StreamTable['KeySchema'];
  createdAt: number;
  shardId: string;
  /** The first sequence number this stream could hold. */
  startSeq: number;
  /** Every record up to this sequence number is gone (trimmed); startSeq - 1 while none is. */
  trimmedThrough: number;
  /** The highest sequence number issued so far (startSeq - 1 before the first record). */
  lastSeq: number;
  records: Stored[];
  /** Index of the oldest record still kept in `records` (trimming moves it, compaction resets it). */
  head: number;
  bytes: number;
};

export type StreamStoreOptions = {
  region: string;
  /** How long records are kept: 24 hours, as in DynamoDB. */
  retentionMs?: number;
  /** Bounds on what one stream keeps in memory; the oldest records go first (TrimmedDataAccessException for readers behind). */
  maxRecordsPerStream?: number;
  maxBytesPerStream?: number;
  /** Called once per turn of the event loop in which records were added. */
  onRecords?: () => void;
  now?: () => number;
  /**
   * A file that keeps the streams across restarts (the tables themselves are on disk): each record
   * is appended as it is made, before the write that made it is answered; replayed and rewritten at start.
   */
  journalPath?: string;
};

type JournalLine = { stream: Omit<Stream, 'records' | 'head' | 'bytes'> } | { arn: string; stored: Stored };

const DAY_MS = 24 * 60 * 60 * 1000;
/** Sequence numbers are 21 digits (DynamoDB's are 21 to 40): this base plus a counter of the process. */
const SEQUENCE_BASE = 10n ** 20n;

export const formatSequenceNumber = (seq: number): string => (SEQUENCE_BASE + BigInt(seq)).toString();
/** The counter a sequence number carries, or undefined when it is not one of ours. */
export function parseSequenceNumber(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^1\d{20}$/.test(text)) return undefined;
  const seq = BigInt(text) - SEQUENCE_BASE;
  return seq <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seq) : undefined;
}

export const isStreamEnabled = (table: StreamTable): boolean =>
  Boolean(table.StreamSpecification?.StreamEnabled && table.StreamSpecification.StreamViewType && table.LatestStreamArn);

export type StreamStore = ReturnType<typeof createStreamStore>;

/** The records of every table stream, made from the writes dynalite reports through its onItemWrite hook. */
export function createStreamStore(options: StreamStoreOptions) {
  const retentionMs = options.retentionMs ?? DAY_MS;
  const maxRecords = options.maxRecordsPerStream ?? 100_000;
  const maxBytes = options.maxBytesPerStream ?? 64 * 1024 * 1024;
  const now = options.now ?? Date.now;
  const streams = new Map<string, Stream>();
  let lastSeq = 0;
  // Event IDs: random per process, then the sequence number (a random draw per record cost more than the rest of the record).
  const eventIdPrefix = randomBytes(8).toString('hex');
  let noticePending = false;
  let journal: number | undefined;
  const append = (line: JournalLine) => journal !== undefined && writeSync(journal, JSON.stringify(line) + '\n');

  /** The stream of a table with one; a new one (no records) when the table was deleted and created again. */
  function streamOf(table: StreamTable): Stream | undefined {
    if (!isStreamEnabled(table)) return undefined;
    const arn = table.LatestStreamArn!;
    const tableId = table.TableId ?? '';
    const known = streams.get(arn);
    if (known && known.tableId === tableId) return trim(known);
    const createdAt = table.CreationDateTime !== undefined ? Math.round(table.CreationDateTime * 1000) : now();
    const stream: Stream = {
      arn,
      label: table.LatestStreamLabel ?? arn.split('/stream/')[1],
      tableName: table.TableName,
      tableId,
      viewType: table.StreamSpecification!.StreamViewType as StreamViewType,
      keySchema: table.KeySchema,
      createdAt,
      shardId: `shardId-${String(createdAt).padStart(20, '0')}-${(tableId.replace(/-/g, '') + '00000000').slice(0, 8)}`,
      startSeq: lastSeq + 1,
      trimmedThrough: lastSeq,
      lastSeq,
      records: [],
      head: 0,
      bytes: 0,
    };
    streams.set(arn, stream);
    append({ stream: metaOf(stream) });
    return stream;
  }

  const metaOf = ({ records: _records, head: _head, bytes: _bytes, ...meta }: Stream) => meta;

  /** Reads the journal back (a last line cut short by a kill is dropped), then rewrites it as what is still retained. */
  function openJournal(path: string): void {
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    for (const raw of text.split('\n')) {
      let line: JournalLine;
      try {
        line = JSON.parse(raw);
      } catch {
        continue;
      }
      if ('stream' in line) {
        streams.set(line.stream.arn, { ...line.stream, records: [], head: 0, bytes: 0 });
        lastSeq = Math.max(lastSeq, line.stream.lastSeq);
        continue;
      }
      const stream = streams.get(line.arn);
      if (!stream) continue;
      stream.records.push(line.stored);
      stream.bytes += line.stored.size;
      stream.lastSeq = line.stored.seq;
      lastSeq = Math.max(lastSeq, line.stored.seq);
    }
    compactJournal(path);
  }

  function compactJournal(path: string): void {
    if (journal !== undefined) closeSync(journal);
    const lines: string[] = [];
    for (const stream of streams.values()) {
      trim(stream);
      lines.push(JSON.stringify({ stream: metaOf(stream) } satisfies JournalLine));
      for (let i = stream.head; i < stream.records.length; i += 1)
        lines.push(JSON.stringify({ arn: stream.arn, stored: stream.records[i] } satisfies JournalLine));
    }
    writeFileSync(`${path}.tmp`, lines.length ? lines.join('\n') + '\n' : '');
    renameSync(`${path}.tmp`, path);
    journal = openSync(path, 'a');
  }
  if (options.journalPath) openJournal(options.journalPath);

  /** Drops what is past retention or over the bounds, oldest first. */
  function trim(stream: Stream): Stream {
    const horizon = now() - retentionMs;
    const { records } = stream;
    while (stream.head < records.length) {
      const oldest = records[stream.head];
      const count = records.length - stream.head;
      if (oldest.at >= horizon && count <= maxRecords && stream.bytes <= maxBytes) break;
      stream.trimmedThrough = oldest.seq;
      stream.bytes -= oldest.size;
      stream.head += 1;
    }
    // Compacts once the dropped part is the larger one, so trimming stays O(1) per record.
    if (stream.head > 1024 && stream.head * 2 > records.length) {
      stream.records = records.slice(stream.head);
      stream.head = 0;
    }
    return stream;
  }

  /** dynalite's onItemWrite hook: a committed write of one item (oldItem undefined: created; newItem undefined: deleted). */
  function itemWritten(table: StreamTable, oldItem: Item | undefined, newItem: Item | undefined): void {
    const stream = streamOf(table);
    if (!stream || (!oldItem && !newItem)) return;
    // DynamoDB writes no stream record for a PutItem or UpdateItem that leaves the item as it was.
    if (oldItem && newItem && itemsEqual(oldItem, newItem)) return;
    const seq = ++lastSeq;
    const at = now();
    const keys = keyOf(stream.keySchema, (newItem ?? oldItem)!);
    const newImage = newItem && (stream.viewType === 'NEW_IMAGE' || stream.viewType === 'NEW_AND_OLD_IMAGES') ? newItem : undefined;
    const oldImage = oldItem && (stream.viewType === 'OLD_IMAGE' || stream.viewType === 'NEW_AND_OLD_IMAGES') ? oldItem : undefined;
    const size = itemSize(keys) + (newImage ? itemSize(newImage) : 0) + (oldImage ? itemSize(oldImage) : 0);
    const record: StreamRecord = {
      eventID: eventIdPrefix + seq.toString(16).padStart(16, '0'),
      eventName: !oldItem ? 'INSERT' : !newItem ? 'REMOVE' : 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: options.region,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(at / 1000),
        Keys: keys,
        ...(newImage && { NewImage: newImage }),
        ...(oldImage && { OldImage: oldImage }),
        SequenceNumber: formatSequenceNumber(seq),
        SizeBytes: size,
        StreamViewType: stream.viewType,
      },
    };
    const stored = { seq, at, size, record };
    append({ arn: stream.arn, stored });
    stream.records.push(stored);
    stream.bytes += size;
    stream.lastSeq = seq;
    trim(stream);
    if (options.onRecords && !noticePending) {
      noticePending = true;
      setImmediate(function streamRecordsNotice() {
        noticePending = false;
        options.onRecords!();
      });
    }
  }

  /** The records after sequence number `after`, at most `limit` of them and about `maxBytes` (at least one). */
  function recordsAfter(stream: Stream, after: number, limit: number, maxBytesRead = 1024 * 1024): StreamRecord[] {
    const { records } = trim(stream);
    let low = stream.head;
    let high = records.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (records[mid].seq <= after) low = mid + 1;
      else high = mid;
    }
    const out: StreamRecord[] = [];
    let bytes = 0;
    for (let i = low; i < records.length && out.length < limit; i += 1) {
      bytes += records[i].size;
      if (out.length > 0 && bytes > maxBytesRead) break;
      out.push(records[i].record);
    }
    return out;
  }

  /** Rewrites the journal as what is retained, and closes it. */
  function close(): void {
    if (journal === undefined || !options.journalPath) return;
    compactJournal(options.journalPath);
    closeSync(journal);
    journal = undefined;
  }

  return { itemWritten, streamOf, recordsAfter, find: (arn: string) => streams.get(arn), trim, now, close };
}

const keyOf = (keySchema: StreamTable['KeySchema'], item: Item): Item =>
  Object.fromEntries(keySchema.map(({ AttributeName }) => [AttributeName, item[AttributeName]]));

/** Whether two items hold the same data: sets compare as sets, numbers by value. */
export function itemsEqual(a: Item, b: Item): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => name in b && valuesEqual(a[name], b[name]));
}

function valuesEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const [type] = Object.keys(a);
  if (Object.keys(b)[0] !== type) return false;
  const x = a[type];
  const y = b[type];
  switch (type) {
    case 'N':
      return canonicalNumber(String(x)) === canonicalNumber(String(y));
    case 'SS':
    case 'BS':
      return sameSet(x as string[], y as string[], String);
    case 'NS':
      return sameSet(x as string[], y as string[], canonicalNumber);
    case 'L': {
      const l = x as Record<string, unknown>[];
      const m = y as Record<string, unknown>[];
      return l.length === m.length && l.every((v, i) => valuesEqual(v, m[i]));
    }
    case 'M':
      return itemsEqual(x as Item, y as Item);
    default:
      return x === y;
  }
}

function sameSet(a: string[], b: string[], canonical: (v: string) => string): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a.map(canonical));
  return b.every((v) => set.has(canonical(v)));
}

/** A number's text in one form for one value ('1.50', '+1.5' and '15e-1' are all '15e-1'). */
function canonicalNumber(text: string): string {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match) return text;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  let digits = whole + fraction;
  let scale = Number(exponent) - fraction.length;
  digits = digits.replace(/^0+/, '');
  if (digits === '') return '0';
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  scale += trailing;
  return `${sign === '-' ? '-' : ''}${digits}e${scale}`;
}

/** An item's size as DynamoDB counts it: names and values in bytes (numbers about one byte per two digits). */
export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

function valueSize(value: Record<string, unknown>): number {
  const [type] = Object.keys(value);
  const v = value[type];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(v));
    case 'N':
      return Math.ceil(String(v).replace(/[^0-9]/g, '').length / 2) + 1;
    case 'B':
      return Buffer.from(String(v), 'base64').length;
    case 'SS':
    case 'NS':
    case 'BS':
      return (v as string[]).reduce((sum, member) => sum + valueSize({ [type.slice(0, 1)]: member }), 0);
    case 'L':
      return 3 + (v as Record<string, unknown>[]).reduce((sum, member) => sum + 1 + valueSize(member), 0);
    case 'M':
      return 3 + Object.entries(v as Item).reduce((sum, [name, member]) => sum + 1 + Buffer.byteLength(name) + valueSize(member), 0);
    default:
      return 1; // BOOL, NULL
  }
}
