import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';

export const CSV_HEADER = ['sku', 'quantity', 'paymentToken'] as const;

export type CsvRow = { row: number; ok: true; sku: string; quantity: string; paymentToken: string } | { row: number; ok: false; code: string; message: string };

export class InvalidHeaderError extends Error {
  constructor(found: string[]) {
    super(`The header must be "${CSV_HEADER.join(',')}", found "${found.join(',')}".`);
    this.name = 'InvalidHeaderError';
  }
}

/**
 * Streams data rows (numbered from 1; blank lines are not rows) out of an import CSV. No valid
 * field holds a line break, so each physical line is one row, parsed on its own: a line the parser
 * cannot read is one row error, and can never swallow the lines after it.
 */
export async function* readCsvRows(input: Readable): AsyncGenerator<CsvRow> {
  let header = true;
  let row = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    const text = header ? line.replace(/^\uFEFF/, '') : line;
    if (text.trim() === '') continue;
    const fields = parseLine(text);
    if (header) {
      const found = Array.isArray(fields) ? fields : [text];
      if (found.join(',') !== CSV_HEADER.join(',')) throw new InvalidHeaderError(found);
      header = false;
      continue;
    }
    row += 1;
    if (!Array.isArray(fields)) yield { row, ok: false, code: 'MALFORMED_ROW', message: fields.problem };
    else if (fields.length !== CSV_HEADER.length) yield { row, ok: false, code: 'MALFORMED_ROW', message: COLUMNS_PROBLEM };
    else yield { row, ok: true, sku: fields[0], quantity: fields[1], paymentToken: fields[2] };
  }
}

const COLUMNS_PROBLEM = `The row must have ${CSV_HEADER.length} columns: ${CSV_HEADER.join(', ')}.`;

/** The trimmed fields of one line, or why it is not CSV. */
function parseLine(line: string): string[] | { problem: string } {
  try {
    const records = parse(line, { trim: true, relax_column_count: true }) as string[][];
    return records.length === 1 ? records[0] : { problem: COLUMNS_PROBLEM };
  } catch (error) {
    return { problem: describeParseError((error as { code?: string }).code) };
  }
}

function describeParseError(code: string | undefined): string {
  switch (code) {
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_QUOTE_NOT_CLOSED':
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'The row has a broken quoted field.';
    default:
      return 'The row could not be read as CSV.';
  }
}
