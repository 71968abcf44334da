import { Readable } from 'node:stream';
import { InvalidHeaderError, readCsvRows, type CsvRow } from '../../../../lib/imports/csv-rows';

async function rowsOf(text: string): Promise<CsvRow[]> {
  const rows: CsvRow[] = [];
  for await (const row of readCsvRows(Readable.from([text]))) rows.push(row);
  return rows;
}

const HEADER = 'sku,quantity,paymentToken';
const ok = (row: number, sku: string, quantity: string, paymentToken = 'tok_visa') => ({ row, ok: true, sku, quantity, paymentToken });

describe('readCsvRows', () => {
  it('yields good rows numbered from 1, the header not counted', async () => {
    const rows = await rowsOf(`${HEADER}\nSKU-1,2,tok_visa\nSKU-2,1,tok_declined\n`);

    expect(rows).toEqual([ok(1, 'SKU-1', '2'), ok(2, 'SKU-2', '1', 'tok_declined')]);
  });

  it('keeps every value as text, trimmed', async () => {
    expect(await rowsOf(`${HEADER}\n  SKU-1 , 2 ,tok_visa \n`)).toEqual([ok(1, 'SKU-1', '2')]);
  });

  it('reads quoted fields', async () => {
    expect(await rowsOf(`${HEADER}\n"SKU-1","2","tok_visa"\n`)).toEqual([ok(1, 'SKU-1', '2')]);
  });

  it('reads a file without a final newline, and CRLF line ends', async () => {
    expect(await rowsOf(`${HEADER}\r\nSKU-1,2,tok_visa\r\nSKU-2,3,tok_visa`)).toEqual([ok(1, 'SKU-1', '2'), ok(2, 'SKU-2', '3')]);
  });

  it('ignores a UTF-8 byte order mark before the header', async () => {
    expect(await rowsOf(`\uFEFF${HEADER}\nSKU-1,2,tok_visa\n`)).toEqual([ok(1, 'SKU-1', '2')]);
  });

  it('skips empty lines without counting them as rows', async () => {
    expect(await rowsOf(`${HEADER}\n\nSKU-1,2,tok_visa\n\n\nSKU-2,1,tok_visa\n\n`)).toEqual([ok(1, 'SKU-1', '2'), ok(2, 'SKU-2', '1')]);
  });

  it('yields nothing for a header alone or an empty file', async () => {
    expect(await rowsOf(`${HEADER}\n`)).toEqual([]);
    expect(await rowsOf('')).toEqual([]);
  });

  it('turns a row with too few or too many columns into a row error and reads on', async () => {
    const rows = await rowsOf(`${HEADER}\nSKU-1,2\nSKU-2,1,tok_visa,extra\nSKU-3,1,tok_visa\n`);

    const columns = { ok: false, code: 'MALFORMED_ROW', message: 'The row must have 3 columns: sku, quantity, paymentToken.' };
    expect(rows).toEqual([{ row: 1, ...columns }, { row: 2, ...columns }, ok(3, 'SKU-3', '1')]);
  });

  it('numbers rows in file order when good and broken rows alternate', async () => {
    const rows = await rowsOf(`${HEADER}\nSKU-1,1,tok_visa\nbroken\nSKU-2,1,tok_visa\nSKU-3\nSKU-4,1,tok_visa\n`);

    expect(rows.map((row) => [row.row, row.ok])).toEqual([
      [1, true],
      [2, false],
      [3, true],
      [4, false],
      [5, true],
    ]);
  });

  const quoting = (row: number) => ({ row, ok: false, code: 'MALFORMED_ROW', message: 'The row has a broken quoted field.' });

  it('turns a quoted field that never closes into a row error', async () => {
    const rows = await rowsOf(`${HEADER}\nSKU-1,2,tok_visa\nSKU-2,"1,tok_visa\n`);

    expect(rows).toEqual([ok(1, 'SKU-1', '2'), quoting(2)]);
  });

  it.each([
    ['a quote that never closes', 'SKU-2,"1,tok_visa'],
    ['a stray quote inside a field', 'SKU-2,2"x",tok_visa'],
    ['text after a closing quote', 'SKU-2,"2"x,tok_visa'],
    ['a lone quote', '"'],
  ])('rejects %s as one row and reads every line after it', async (_label, line) => {
    const rows = await rowsOf(`${HEADER}\nSKU-1,1,tok_visa\n${line}\nSKU-3,3,tok_visa\nSKU-4,4,tok_visa\n`);

    expect(rows).toEqual([ok(1, 'SKU-1', '1'), quoting(2), ok(3, 'SKU-3', '3'), ok(4, 'SKU-4', '4')]);
  });

  it('reads each physical line as one row: a quoted line break splits a row in two broken ones', async () => {
    const rows = await rowsOf(`${HEADER}\n"SKU-1\n",1,tok_visa\nSKU-2,2,tok_visa\n`);

    expect(rows).toEqual([quoting(1), quoting(2), ok(3, 'SKU-2', '2')]);
  });

  it('reads a quoted comma and a doubled quote inside a quoted field as text', async () => {
    expect(await rowsOf(`${HEADER}\n"SKU,1","2","tok_""visa"""\n`)).toEqual([ok(1, 'SKU,1', '2', 'tok_"visa"')]);
  });

  it('counts a row of empty fields as a row (validation names its fields)', async () => {
    expect(await rowsOf(`${HEADER}\n,,\nSKU-1,1,tok_visa\n`)).toEqual([ok(1, '', '', ''), ok(2, 'SKU-1', '1')]);
  });

  it('accepts a quoted or padded header, and reads lines split across chunks', async () => {
    const chunks = [' "sku" ,quantity,paymentTo', 'ken\r\nSKU-1,', '2,tok_visa\r', '\nSKU-2,3,tok_visa'];

    const rows: CsvRow[] = [];
    for await (const row of readCsvRows(Readable.from(chunks))) rows.push(row);

    expect(rows).toEqual([ok(1, 'SKU-1', '2'), ok(2, 'SKU-2', '3')]);
  });

  it('throws InvalidHeaderError naming the header it found', async () => {
    await expect(rowsOf('sku,qty,paymentToken\nSKU-1,2,tok_visa\n')).rejects.toThrow(new InvalidHeaderError(['sku', 'qty', 'paymentToken']));
    await expect(rowsOf('sku,qty,paymentToken\n')).rejects.toThrow('The header must be "sku,quantity,paymentToken", found "sku,qty,paymentToken".');
  });

  it.each([
    ['columns in another order', 'quantity,sku,paymentToken'],
    ['a missing column', 'sku,quantity'],
    ['an extra column', 'sku,quantity,paymentToken,note'],
    ['a data row instead of a header', 'SKU-1,2,tok_visa'],
  ])('refuses a header with %s', async (_label, header) => {
    await expect(rowsOf(`${header}\nSKU-1,2,tok_visa\n`)).rejects.toBeInstanceOf(InvalidHeaderError);
  });

  it('reads a long input that arrives in many chunks', async () => {
    const lines = [`${HEADER}\n`, ...Array.from({ length: 2000 }, (_, i) => `SKU-${(i % 4) + 1},${i + 1},tok_visa\n`)];

    let count = 0;
    let last: CsvRow | undefined;
    for await (const row of readCsvRows(Readable.from(lines))) {
      count += 1;
      last = row;
    }

    expect(count).toBe(2000);
    expect(last).toEqual(ok(2000, 'SKU-4', '2000'));
  });
});
