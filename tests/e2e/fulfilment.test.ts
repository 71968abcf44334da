import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { call, eventually, placeAndSettle, tokenFor } from './support/api';
import { dynamo, TABLE } from './support/aws';
import { E2E_PORTS } from './support/ports';
import { drainOwnMessages } from './support/queues';

jest.setTimeout(60_000);

// Fulfilment over EventBridge: OrderConfirmed on the integration bus → fulfilOrder (async: retries,
// destinations) → its success record back on the bus → notifyCustomer's shipped e-mail; a refused
// parcel's record in the on-failure queue; large orders also routed to the review queue by a numeric rule.
const BUS = 'orderflow-local';
const events = new EventBridgeClient({
  region: 'us-east-1',
  endpoint: `http://127.0.0.1:${E2E_PORTS.edge}`,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
afterAll(() => events.destroy());

type OrderBody = {
  orderId: string;
  customerId: string;
  status: string;
  totalCents: number;
  currency: string;
  correlationId: string;
  history: { at: string }[];
};

/**
 * Puts the order's OrderConfirmed on the bus again, exactly as the outbox publishes it from the orders
 * table's stream: a redelivery, which every consumer must take in its stride.
 */
async function redeliverConfirmed(order: OrderBody, detail: Record<string, unknown> = {}): Promise<void> {
  const result = await events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: BUS,
          Source: 'orderflow',
          DetailType: 'OrderConfirmed',
          Detail: JSON.stringify({
            orderId: order.orderId,
            customerId: order.customerId,
            status: order.status,
            totalCents: order.totalCents,
            currency: order.currency,
            at: order.history.at(-1)!.at,
            correlationId: order.correlationId,
            version: order.history.length,
            ...detail,
          }),
        },
      ],
    }),
  );
  expect(result.FailedEntryCount).toBe(0);
}

async function confirmedOrder(token: string, sku: string, quantity = 1): Promise<OrderBody> {
  const order = await placeAndSettle(token, { items: [{ sku, quantity }], paymentToken: 'tok_visa' });
  // The outbox puts its OrderConfirmed on the bus: fulfilment may already be under way.
  expect(order.status).toBe('CONFIRMED');
  return order;
}

const shipped = (token: string, orderId: string, timeoutMs = 15_000) =>
  eventually(
    async () => {
      const { body } = await call('GET', `/orders/${orderId}`, { token });
      return body.fulfilment ? body : undefined;
    },
    `order ${orderId} to ship`,
    timeoutMs,
  );

const item = async (orderId: string, sk: string) =>
  (await dynamo.send(new GetCommand({ TableName: TABLE, Key: { pk: `ORDER#${orderId}`, sk }, ConsistentRead: true }))).Item;

/** The order ids a queue's message is about: an invocation record's event, or an EventBridge event. */
const orderIdsIn = (body: string): string[] => {
  const message = JSON.parse(body);
  const id = message.requestPayload?.detail?.orderId ?? message.detail?.orderId;
  return id ? [id] : [];
};

describe('fulfilment over EventBridge', () => {
  it('ships a confirmed order: GET shows the carrier and tracking id, and the customer gets the shipped e-mail', async () => {
    const customerId = `e2e-${randomUUID()}`;
    const token = await tokenFor(customerId);
    const order = await confirmedOrder(token, 'SKU-1');

    const read = await shipped(token, order.orderId);
    expect(read.fulfilment).toEqual({
      status: 'SHIPPED',
      carrier: expect.stringMatching(/^(DHL|UPS|DPD|GLS)$/),
      trackingId: expect.any(String),
      at: expect.any(String),
    });
    expect(read.fulfilment.trackingId).toMatch(new RegExp(`^${read.fulfilment.carrier}-\\d{12}$`));
    // The success record went back to the bus, where the shipped rule sent it to notifyCustomer.
    const mail = await eventually(() => item(order.orderId, 'NOTIFICATION#SHIPPED'), 'the shipped e-mail');
    expect(mail).toMatchObject({ customerId, status: 'SHIPPED', subject: 'Your order has shipped' });
    expect(mail?.body).toContain(`with ${read.fulfilment.carrier}, tracking id ${read.fulfilment.trackingId}.`);

    // A redelivery books nothing again: the same shipment, one e-mail.
    await redeliverConfirmed(order);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await call('GET', `/orders/${order.orderId}`, { token })).body.fulfilment).toEqual(read.fulfilment);
    expect(await item(order.orderId, 'NOTIFICATION#SHIPPED')).toEqual(mail);
  });

  it('retries while the carrier is busy (SKU-FRAGILE) and ships on the third attempt', async () => {
    const token = await tokenFor(`e2e-${randomUUID()}`);
    const order = await confirmedOrder(token, 'SKU-FRAGILE');

    const read = await shipped(token, order.orderId, 20_000);
    expect(read.fulfilment.status).toBe('SHIPPED');
    // The carrier's count of booking requests: two refused (busy), the third booked.
    expect(await item(order.orderId, 'CARRIER_REQUESTS')).toMatchObject({ requests: 3 });
  });

  it("sends a refused parcel's invocation record (SKU-HAZMAT) to the on-failure queue after every attempt, and ships nothing", async () => {
    const token = await tokenFor(`e2e-${randomUUID()}`);
    const order = await confirmedOrder(token, 'SKU-HAZMAT');

    const records = await drainOwnMessages('fulfil-order-failures', orderIdsIn, [order.orderId], 20_000);
    const record = JSON.parse(records.get(order.orderId) ?? 'null');
    expect(record).toMatchObject({
      requestContext: {
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
        functionArn: expect.stringContaining(':function:orderflow-local-fulfilOrder'),
      },
      requestPayload: { source: 'orderflow', 'detail-type': 'OrderConfirmed', detail: { orderId: order.orderId } },
      responsePayload: {
        errorType: 'ShipmentRefusedError',
        errorMessage: `The carrier refused order ${order.orderId}: no carrier takes SKU-HAZMAT (hazardous goods)`,
      },
    });
    expect((await call('GET', `/orders/${order.orderId}`, { token })).body.fulfilment).toBeNull();
  });

  it('sends a malformed OrderConfirmed to the on-failure queue, naming the bad fields', async () => {
    const orderId = randomUUID();
    const detail = { orderId, customerId: 'e2e-malformed', status: 'CONFIRMED', totalCents: 'lots', currency: 'EUR', at: new Date().toISOString() };
    await events.send(
      new PutEventsCommand({ Entries: [{ EventBusName: BUS, Source: 'orderflow', DetailType: 'OrderConfirmed', Detail: JSON.stringify(detail) }] }),
    );

    const records = await drainOwnMessages('fulfil-order-failures', orderIdsIn, [orderId], 20_000);
    expect(JSON.parse(records.get(orderId) ?? 'null')).toMatchObject({
      requestContext: { condition: 'RetriesExhausted' },
      responsePayload: { errorType: 'MalformedMessageError', errorMessage: 'Malformed order event: detail.totalCents, detail.correlationId, detail.version' },
    });
  });

  it('routes an OrderConfirmed of at least the threshold (numeric pattern) to the review queue, and a small one not', async () => {
    const token = await tokenFor(`e2e-${randomUUID()}`);
    const small = await confirmedOrder(token, 'SKU-3'); // 599 cents
    const large = await confirmedOrder(token, 'SKU-4', 4); // 51,600 cents, over the 50,000 of params

    const reviewed = await drainOwnMessages('high-value-review', orderIdsIn, [large.orderId], 10_000);
    expect(JSON.parse(reviewed.get(large.orderId) ?? 'null')).toMatchObject({
      source: 'orderflow',
      'detail-type': 'OrderConfirmed',
      detail: { orderId: large.orderId, totalCents: 51_600 },
    });
    // The small one was confirmed first: had the rule matched it, it would be there by now.
    const late = await drainOwnMessages('high-value-review', orderIdsIn, [small.orderId], 1_500);
    expect(reviewed.has(small.orderId) || late.has(small.orderId)).toBe(false);
  });
});
