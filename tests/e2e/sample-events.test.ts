import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { eventually } from './support/api';
import { dynamo, TABLE } from './support/aws';
import { E2E_PORTS } from './support/ports';
import { SAMPLE } from '../support/events';

jest.setTimeout(30_000);

// `sls invoke local -f <fn> -p events/<fn>.json` against a running local cloud, as the Lambda API runs
// it: each sample event finds its order where the seed (scripts/seed-local.ts) left it, and does its work.
const lambda = new LambdaClient({
  region: 'us-east-1',
  endpoint: `http://127.0.0.1:${E2E_PORTS.lambda}`,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
afterAll(() => lambda.destroy());

const item = async (orderId: string, sk: string) =>
  (await dynamo.send(new GetCommand({ TableName: TABLE, Key: { pk: `ORDER#${orderId}`, sk }, ConsistentRead: true }))).Item;

async function invokeWithSample(functionKey: string, file = `${functionKey}.json`): Promise<unknown> {
  const Payload = readFileSync(join(__dirname, '..', '..', 'events', file));
  const { FunctionError, Payload: answer } = await lambda.send(new InvokeCommand({ FunctionName: `orderflow-local-${functionKey}`, Payload }));
  const text = Buffer.from(answer ?? []).toString('utf8');
  if (FunctionError) throw new Error(`${functionKey} failed on its sample event: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

describe('the sample events of events/, against the seeded local cloud', () => {
  it('processPayment.json charges the PENDING sample order', async () => {
    expect(await item(SAMPLE.orderId, 'ORDER')).toMatchObject({ status: 'PENDING' });

    expect(await invokeWithSample('processPayment')).toEqual({ batchItemFailures: [] });

    expect(await item(SAMPLE.orderId, 'PAYMENT')).toMatchObject({ status: 'CHARGED', charges: 1 });
    expect(['PAID', 'CONFIRMED']).toContain((await item(SAMPLE.orderId, 'ORDER'))?.status); // the chain may have moved it on already
  });

  it('reserveInventory.json confirms the PAID sample order, whose charge is captured', async () => {
    expect(await item(SAMPLE.paidOrderId, 'ORDER')).toMatchObject({ status: 'PAID', version: 2 });
    expect(await item(SAMPLE.paidOrderId, 'PAYMENT')).toMatchObject({ status: 'CHARGED', charges: 1 });

    await invokeWithSample('reserveInventory');

    expect(await item(SAMPLE.paidOrderId, 'ORDER')).toMatchObject({ status: 'CONFIRMED', version: 3 });
    // Confirming it announced OrderConfirmed: the customer is notified through the running chain.
    expect(await eventually(() => item(SAMPLE.paidOrderId, 'NOTIFICATION#CONFIRMED'), 'the notification of the confirmed sample order')).toBeDefined();
  });

  it('publishOrderEvents.json publishes the OrderPlaced and OrderPaid of its sample order, and the chain confirms it', async () => {
    // Seeded PAID with its charge captured; the outbox started after the seed, so nothing announced it yet.
    expect(await item(SAMPLE.outboxOrderId, 'ORDER')).toMatchObject({ status: 'PAID', version: 2 });

    expect(await invokeWithSample('publishOrderEvents')).toEqual({ batchItemFailures: [] });

    // OrderPaid went to the topic: reserveInventory confirms the order, notifyCustomer mails the customer.
    expect(await eventually(() => item(SAMPLE.outboxOrderId, 'NOTIFICATION#CONFIRMED'), 'the notification of the outbox sample order')).toBeDefined();
    expect(await item(SAMPLE.outboxOrderId, 'ORDER')).toMatchObject({ status: 'CONFIRMED', version: 3 });
    expect(await item(SAMPLE.outboxOrderId, 'PAYMENT')).toMatchObject({ status: 'CHARGED', charges: 1 });
  });

  it('notifyCustomer.json writes the confirmation e-mail of the CONFIRMED sample order', async () => {
    expect(await item(SAMPLE.confirmedOrderId, 'ORDER')).toMatchObject({ status: 'CONFIRMED' });
    expect(await item(SAMPLE.confirmedOrderId, 'NOTIFICATION#CONFIRMED')).toBeUndefined();

    await invokeWithSample('notifyCustomer');

    expect(await item(SAMPLE.confirmedOrderId, 'NOTIFICATION#CONFIRMED')).toMatchObject({
      customerId: SAMPLE.customerId,
      status: 'CONFIRMED',
      subject: 'Your order is confirmed',
    });
  });

  it('fulfilOrder.json ships the CONFIRMED sample order, and a second run returns the same shipment', async () => {
    expect(await item(SAMPLE.confirmedOrderId, 'FULFILMENT')).toBeUndefined();

    const shipped = await invokeWithSample('fulfilOrder');

    const expected = { orderId: SAMPLE.confirmedOrderId, customerId: SAMPLE.customerId, status: 'SHIPPED', carrier: 'DHL', trackingId: 'DHL-140994130121' };
    expect(shipped).toMatchObject(expected);
    expect(await item(SAMPLE.confirmedOrderId, 'FULFILMENT')).toMatchObject(expected);
    expect(await invokeWithSample('fulfilOrder')).toEqual(shipped);
  });

  it('notifyCustomer.shipped.json writes the shipped e-mail of the CONFIRMED sample order', async () => {
    expect(await item(SAMPLE.confirmedOrderId, 'NOTIFICATION#SHIPPED')).toBeUndefined();

    await invokeWithSample('notifyCustomer', 'notifyCustomer.shipped.json');

    expect(await item(SAMPLE.confirmedOrderId, 'NOTIFICATION#SHIPPED')).toMatchObject({
      customerId: SAMPLE.customerId,
      status: 'SHIPPED',
      subject: 'Your order has shipped',
    });
  });

  it('the WebSocket events open the sample connection, subscribe it to the sample order, push to it and close it', async () => {
    const connectionId = 'Sq4ZZe5XIAMCJTg=';
    const connection = async () =>
      (await dynamo.send(new GetCommand({ TableName: TABLE, Key: { pk: `CONNECTION#${connectionId}`, sk: 'CONNECTION' }, ConsistentRead: true }))).Item;

    // The sample token is signed with the local stage's default secret; this local cloud has a secret of
    // its own (E2E_ENV), so it refuses it, as it should. The seed left the connection open anyway.
    expect(await invokeWithSample('wsConnect')).toEqual({ statusCode: 403, body: '' });
    expect(await connection()).toMatchObject({ customerId: SAMPLE.customerId });

    const subscribed = (await invokeWithSample('wsSubscribe')) as { statusCode: number; body: string };
    expect(JSON.parse(subscribed.body)).toMatchObject({ orderId: SAMPLE.orderId, status: expect.any(String), at: expect.any(String) });
    expect(await item(SAMPLE.orderId, `CONNECTION#${connectionId}`)).toBeUndefined(); // subscriptions have a partition of their own
    expect(await connection()).toMatchObject({ orderIds: new Set([SAMPLE.orderId]) });

    expect(await invokeWithSample('pushOrderStatus')).toEqual({ batchItemFailures: [] });

    expect(await invokeWithSample('wsDisconnect')).toEqual({ statusCode: 200, body: '' });
    expect(await connection()).toBeUndefined();
  });
});
