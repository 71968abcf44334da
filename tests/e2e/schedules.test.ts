import { randomUUID } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { call, eventually, tokenFor } from './support/api';
import { dynamo, REPORTS_BUCKET, s3, TABLE } from './support/aws';

// The local stage schedules both functions every minute: one firing of each fits in this budget.
jest.setTimeout(150_000);

describe('scheduled functions', () => {
  it('expires an order left PENDING past its deadline (rate schedule)', async () => {
    const customerId = `e2e-${randomUUID()}`;
    const orderId = randomUUID();
    const anHourAgo = new Date(Date.now() - 3600_000).toISOString();
    // Arrange a stuck order directly, created an hour ago. Its INSERT is announced like any other (the
    // table's stream is the outbox), so its payment must stay pending: a gateway that keeps failing it.
    await dynamo.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          pk: `ORDER#${orderId}`,
          sk: 'ORDER',
          gsi1pk: 'PENDING',
          gsi1sk: anHourAgo,
          orderId,
          customerId,
          status: 'PENDING',
          items: [{ sku: 'SKU-1', quantity: 1, unitPriceCents: 2499 }],
          totalCents: 2499,
          currency: 'EUR',
          paymentToken: 'tok_flaky_1000',
          history: [{ status: 'PENDING', at: anHourAgo }],
          correlationId: 'e2e-stale',
          createdAt: anHourAgo,
          version: 1,
        },
      }),
    );
    const token = await tokenFor(customerId);

    const order = await eventually(
      async () => {
        const { body } = await call('GET', `/orders/${orderId}`, { token });
        return body.status === 'EXPIRED' ? body : undefined;
      },
      'the sweep to expire the order',
      130_000,
      1000,
    );

    expect(order.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'EXPIRED']);
  });

  it("writes yesterday's sales report to the reports bucket (cron schedule)", async () => {
    const yesterday = new Date(Date.now() - 24 * 3600_000).toISOString().slice(0, 10);

    const report = await eventually(
      async () => {
        const object = await s3.send(new GetObjectCommand({ Bucket: REPORTS_BUCKET, Key: `reports/sales-${yesterday}.json` }));
        return JSON.parse(await object.Body!.transformToString());
      },
      'the daily report',
      130_000,
      1000,
    );

    expect(report).toMatchObject({ date: yesterday, totals: { orders: expect.any(Number) }, hours: expect.any(Array) });
  });
});
