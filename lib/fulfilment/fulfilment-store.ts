import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { unlessConditionFails } from '../aws/conditional';
import type { Booking } from './carrier';

/** An order's shipment as recorded: its own item beside the order (never sk ORDER, which only status changes write). */
export type Fulfilment = Booking & { orderId: string; customerId: string; correlationId: string; status: 'SHIPPED'; at: string };

export const fulfilmentKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'FULFILMENT' });
/** The simulated carrier's count of booking requests for an order (its side of the conversation, as the ledger is the gateway's). */
const bookingRequestsKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'CARRIER_REQUESTS' });

function fromItem(item: Record<string, unknown>): Fulfilment {
  const { pk: _pk, sk: _sk, ...fulfilment } = item;
  return fulfilment as Fulfilment;
}

export function fulfilmentStore(tableName: string) {
  const get = async (orderId: string): Promise<Fulfilment | undefined> => {
    const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: fulfilmentKey(orderId), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  };

  return {
    get,

    /** Records the shipment once; when one is recorded already (a redelivery raced us), returns that one. */
    async record(fulfilment: Fulfilment): Promise<Fulfilment> {
      const put = dynamo.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...fulfilmentKey(fulfilment.orderId), ...fulfilment },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return unlessConditionFails(
        put.then(() => fulfilment),
        async () => (await get(fulfilment.orderId))!,
      );
    },

    /** Counts one more booking request for the order's parcel; returns its number, from 1. */
    async countBookingRequest(orderId: string): Promise<number> {
      const { Attributes } = await dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key: bookingRequestsKey(orderId),
          UpdateExpression: 'ADD requests :one',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Attributes!.requests as number;
    },
  };
}

export type FulfilmentStore = ReturnType<typeof fulfilmentStore>;
