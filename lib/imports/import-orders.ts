import type { Readable } from 'node:stream';
import { ClientError } from '../errors';
import type { PlaceOrderDeps } from '../orders/place-order';
import { placeOrder } from '../orders/place-order';
import { InvalidHeaderError, readCsvRows } from './csv-rows';
import type { ImportRecord } from './import-record';
import type { ImportOutcome, ImportStore } from './import-store';

export type ImportOrdersDeps = PlaceOrderDeps & {
  imports: Pick<ImportStore, 'complete'>;
};

/**
 * Places one order per valid CSV row through the same path as POST /orders. Each row's order is
 * keyed by import and row number, so a redelivered upload creates nothing twice.
 */
export async function importOrders(deps: ImportOrdersDeps, record: ImportRecord, csv: Readable): Promise<ImportOutcome> {
  const outcome: ImportOutcome = { orderIds: [], errors: [], rejectedRows: 0 };
  try {
    for await (const row of readCsvRows(csv)) {
      if (!row.ok) {
        reject(outcome, row.row, row.code, row.message);
        continue;
      }
      try {
        const { order } = await placeOrder(deps, {
          customerId: record.customerId,
          request: { items: [{ sku: row.sku, quantity: toNumber(row.quantity) }], paymentToken: row.paymentToken },
          idempotencyKey: `import-${record.importId}-row-${row.row}`,
          correlationId: record.correlationId,
        });
        outcome.orderIds.push(order.orderId);
      } catch (error) {
        if (!(error instanceof ClientError)) throw error; // infrastructure: let the whole upload retry
        reject(outcome, row.row, error.code, rowMessage(error));
      }
    }
  } catch (error) {
    if (!(error instanceof InvalidHeaderError)) throw error;
    outcome.errors.push({ row: 0, code: 'INVALID_HEADER', message: error.message });
  }
  await deps.imports.complete(record.importId, outcome);
  return outcome;
}

function reject(outcome: ImportOutcome, row: number, code: string, message: string): void {
  outcome.rejectedRows += 1;
  outcome.errors.push({ row, code, message });
}

/**
 * A decimal becomes a number, so the schema says what is wrong with it ("must be a whole number",
 * "must be at least 1"); anything else stays text and is reported as not a number.
 */
const toNumber = (text: string): number | string => (/^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text);

function rowMessage(error: ClientError): string {
  const fields = (error.details as { field?: string; message?: string }[]).flatMap((detail) =>
    detail.field ? [`${detail.field.replace('items.0.', '')} ${detail.message}`] : [],
  );
  return fields.length > 0 ? fields.join('; ') : error.message;
}
