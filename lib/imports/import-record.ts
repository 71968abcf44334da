export type RowError = { row: number; code: string; message: string };

export type ImportRecord = {
  importId: string;
  customerId: string;
  status: 'PENDING' | 'COMPLETED';
  correlationId: string;
  createdAt: string;
  acceptedRows: number;
  rejectedRows: number;
  orderIds: string[];
  errors: RowError[];
};

/** Where a customer uploads an import's CSV; importOrders reads the id back from the key. */
export const importObjectKey = (importId: string) => `incoming/${importId}.csv`;

export function importIdFromKey(key: string): string | undefined {
  return /^incoming\/([0-9a-f-]{36})\.csv$/.exec(key)?.[1];
}

export function importView(record: ImportRecord) {
  const { importId, status, acceptedRows, rejectedRows, orderIds, errors } = record;
  return { importId, status, acceptedRows, rejectedRows, orderIds, errors };
}
