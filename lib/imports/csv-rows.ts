import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';

export const CSV_HEADER = ['sku', 'quantity', 'paymentToken'] as const;

export type CsvRow =
  | { row: number; ok: true; sku: string; quantity: string; paymentToken: string }
  | { row: number; ok: false; code: string; message: string };

export class InvalidHeaderError extends Error {
  constructor(found: string[]) {
    super(`The header must be "${CSV_HEADER.join(',')}", found "${found.join(',')}".`);
    this.name = 'InvalidHeaderError';
  }
}

/**
 * Streams data rows (numbered from 1) out of an import CSV. A row the parser cannot read (wrong
 * column count, broken quoting) becomes a row error instead of ending the import.
 */
export async function* readCsvRows(input: Readable): AsyncGenerator<CsvRow> {
  let row = 0;
  const broken: CsvRow[] = [];
  const parser = input.pipe(
    parse({
      bom: true,
      trim: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      columns: (header: string[]) => {
        if (header.join(',') !== CSV_HEADER.join(',')) throw new InvalidHeaderError(header);
        return header;
      },
      // Both callbacks run in file order, so numbering here keeps row numbers true.
      on_record: (record: Record<string, string>) => ({ row: ++row, record }),
      on_skip: (error) => {
        broken.push({ row: ++row, ok: false, code: 'MALFORMED_ROW', message: describeParseError(error?.code) });
      },
    }),
  );
  for await (const { row: number, record } of parser as AsyncIterable<{ row: number; record: Record<string, string> }>) {
    yield* drain(broken, number);
    yield { row: number, ok: true, sku: record.sku, quantity: record.quantity, paymentToken: record.paymentToken };
  }
  yield* drain(broken, Infinity);
}

/** Yields the broken rows numbered before `before`, in order. */
function* drain(broken: CsvRow[], before: number): Generator<CsvRow> {
  while (broken.length > 0 && broken[0].row < before) yield broken.shift()!;
}

function describeParseError(code: string | undefined): string {
  switch (code) {
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
      return `The row must have ${CSV_HEADER.length} columns: ${CSV_HEADER.join(', ')}.`;
    case 'CSV_QUOTE_NOT_CLOSED':
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'The row has a broken quoted field.';
    default:
      return 'The row could not be read as CSV.';
  }
}
