import '../../support/quiet-sdk';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { startTestCloud, type TestCloud } from '../../support/test-cloud';
import { createActiveTable } from '../../support/resources';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * The embedded DynamoDB (dynalite, patched in patches/) answers TransactWriteItems as DynamoDB does:
 * every write or none of them, a TransactionCanceledException with one reason per item when a
 * condition fails, AWS's validation errors, indexes kept up to date, and concurrent transactions
 * on the same items serialised. Unpatched, dynalite answers UnknownOperationException.
 */
describe('embedded DynamoDB TransactWriteItems', () => {
  let cloud: TestCloud;
  let doc: DynamoDBDocumentClient;
  const TableName = `transactions-${Date.now()}`;
  const IndexName = 'gsi1';
  let n = 0;
  /** A partition key of this test's own, so tests never see each other's items. */
  const unique = (prefix: string) => `${prefix}-${++n}`;

  beforeAll(async () => {
    cloud = await startTestCloud();
    doc = DynamoDBDocumentClient.from(cloud.sdk.dynamodb);
    await createActiveTable(cloud.sdk.dynamodb, {
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [{ IndexName, KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    });
  });

  afterAll(async () => {
    doc?.destroy();
    await cloud?.stop();
  });

  const transact = (TransactItems: TransactItem[], extra: Omit<TransactWriteCommandInput, 'TransactItems'> = {}) =>
    doc.send(new TransactWriteCommand({ TransactItems, ...extra }));
  const put = (Item: Record<string, unknown>) => doc.send(new PutCommand({ TableName, Item }));
  const get = async (pk: string, sk = 'item') => (await doc.send(new GetCommand({ TableName, Key: { pk, sk }, ConsistentRead: true }))).Item;
  const byGsi = async (gsi1pk: string) =>
    (await doc.send(new QueryCommand({ TableName, IndexName, KeyConditionExpression: 'gsi1pk = :g', ExpressionAttributeValues: { ':g': gsi1pk } }))).Items;
  /** Takes `quantity` of the stock of `pk` if that much is left. */
  const take = (pk: string, quantity: number): TransactItem => ({
    Update: {
      TableName,
      Key: { pk, sk: 'item' },
      UpdateExpression: 'SET stock = stock - :q ADD sold :q',
      ConditionExpression: 'stock >= :q',
      ExpressionAttributeValues: { ':q': quantity },
    },
  });

  it('applies a Put, an Update (SET and ADD arithmetic), a Delete and a ConditionCheck together', async () => {
    const [product, order, stale, account] = [unique('product'), unique('order'), unique('stale'), unique('account')];
    await put({ pk: product, sk: 'item', stock: 5, sold: 1 });
    await put({ pk: stale, sk: 'item', note: 'to delete' });
    await put({ pk: account, sk: 'item', status: 'OPEN' });

    const result = await transact([
      { Put: { TableName, Item: { pk: order, sk: 'item', quantity: 2 }, ConditionExpression: 'attribute_not_exists(pk)' } },
      take(product, 2),
      { Delete: { TableName, Key: { pk: stale, sk: 'item' }, ConditionExpression: 'attribute_exists(pk)' } },
      {
        ConditionCheck: {
          TableName,
          Key: { pk: account, sk: 'item' },
          ConditionExpression: '#s = :open',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':open': 'OPEN' },
        },
      },
    ]);

    expect(result.$metadata.httpStatusCode).toBe(200);
    expect(await get(order)).toEqual({ pk: order, sk: 'item', quantity: 2 });
    expect(await get(product)).toEqual({ pk: product, sk: 'item', stock: 3, sold: 3 });
    expect(await get(stale)).toBeUndefined();
    expect(await get(account)).toEqual({ pk: account, sk: 'item', status: 'OPEN' });
  });

  it('writes nothing when one condition fails, and gives one reason per item in order', async () => {
    const [product, order, stale] = [unique('product'), unique('order'), unique('stale')];
    await put({ pk: product, sk: 'item', stock: 1, sold: 0 });
    await put({ pk: stale, sk: 'item' });

    const attempt = transact([
      { Put: { TableName, Item: { pk: order, sk: 'item' } } },
      take(product, 2),
      { Delete: { TableName, Key: { pk: stale, sk: 'item' } } },
    ]);

    await expect(attempt).rejects.toMatchObject({
      name: 'TransactionCanceledException',
      message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]',
      CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }, { Code: 'None' }],
      $metadata: { httpStatusCode: 400 },
    });
    expect(await get(order)).toBeUndefined();
    expect(await get(product)).toEqual({ pk: product, sk: 'item', stock: 1, sold: 0 });
    expect(await get(stale)).toEqual({ pk: stale, sk: 'item' });
  });

  it('returns the old item in the reason of a failed condition with ReturnValuesOnConditionCheckFailure ALL_OLD', async () => {
    const [product, missing] = [unique('product'), unique('missing')];
    await put({ pk: product, sk: 'item', stock: 0 });

    const attempt = transact([
      { Update: { ...take(product, 1).Update!, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
      {
        ConditionCheck: {
          TableName,
          Key: { pk: missing, sk: 'item' },
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ]);

    // The SDK hands over the reasons as DynamoDB sent them: the item in AttributeValue form. There is
    // no old item for the one that does not exist.
    const error = await attempt.then(
      () => ({ CancellationReasons: 'none: the transaction went through' }),
      (e: { CancellationReasons?: unknown }) => e,
    );
    expect(error.CancellationReasons).toEqual([
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { pk: { S: product }, sk: { S: 'item' }, stock: { N: '0' } } },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
    ]);
  });

  it('rejects two operations on one item', async () => {
    const [product, order] = [unique('product'), unique('order')];
    await put({ pk: product, sk: 'item', stock: 5, sold: 0 });

    const attempt = transact([
      { Put: { TableName, Item: { pk: order, sk: 'item' } } },
      take(product, 1),
      { ConditionCheck: { TableName, Key: { pk: product, sk: 'item' }, ConditionExpression: 'attribute_exists(pk)' } },
    ]);

    await expect(attempt).rejects.toMatchObject({ name: 'ValidationException', message: 'Transaction request cannot include multiple operations on one item' });
    expect(await get(order)).toBeUndefined();
    expect(await get(product)).toEqual({ pk: product, sk: 'item', stock: 5, sold: 0 });
  });

  it('rejects more than 100 items, and none', async () => {
    const prefix = unique('many');
    const puts = Array.from({ length: 101 }, (_, i): TransactItem => ({ Put: { TableName, Item: { pk: `${prefix}-${i}`, sk: 'item' } } }));

    await expect(transact(puts)).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(
        /^1 validation error detected: Value '.*' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100$/,
      ),
    });
    await expect(transact([])).rejects.toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
    expect(await get(`${prefix}-0`)).toBeUndefined();
  });

  it('rejects an item with more or less than one operation', async () => {
    const order = unique('order');

    const attempt = transact([{ Put: { TableName, Item: { pk: order, sk: 'item' } }, Delete: { TableName, Key: { pk: order, sk: 'item' } } }]);

    await expect(attempt).rejects.toMatchObject({ name: 'ValidationException', message: 'TransactItems can only contain one of Check, Put, Update or Delete' });
    await expect(transact([{}])).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'TransactItems can only contain one of Check, Put, Update or Delete',
    });
  });

  it('answers an unknown table as the single-item calls do, and writes nothing', async () => {
    const order = unique('order');
    const single = await doc.send(new PutCommand({ TableName: 'no-such-table', Item: { pk: order, sk: 'item' } })).catch((e: Error) => e);

    const attempt = transact([
      { Put: { TableName, Item: { pk: order, sk: 'item' } } },
      { Put: { TableName: 'no-such-table', Item: { pk: order, sk: 'item' } } },
    ]);

    expect(single).toMatchObject({ name: 'ResourceNotFoundException', message: 'Requested resource not found' });
    await expect(attempt).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'Requested resource not found' });
    expect(await get(order)).toBeUndefined();
  });

  it('rejects an invalid expression with the message of the single-item call', async () => {
    const product = unique('product');
    await put({ pk: product, sk: 'item', stock: 5 });
    const invalid = { TableName, Key: { pk: product, sk: 'item' }, UpdateExpression: 'SET stock = :missing', ConditionExpression: 'stock >' };
    const single = await doc.send(new UpdateCommand(invalid)).catch((e: Error) => e);

    const attempt = transact([{ Update: invalid }]);

    expect(single).toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/^Invalid UpdateExpression: /) });
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationException', message: (single as Error).message });
    expect(await get(product)).toEqual({ pk: product, sk: 'item', stock: 5 });
  });

  it('keeps a global secondary index up to date with transactional Puts and Updates', async () => {
    const [order, moved, open, closed] = [unique('order'), unique('moved'), unique('open'), unique('closed')];
    await put({ pk: moved, sk: 'item', gsi1pk: open });

    await transact([
      { Put: { TableName, Item: { pk: order, sk: 'item', gsi1pk: open } } },
      { Update: { TableName, Key: { pk: moved, sk: 'item' }, UpdateExpression: 'SET gsi1pk = :closed', ExpressionAttributeValues: { ':closed': closed } } },
    ]);

    expect(await byGsi(open)).toEqual([{ pk: order, sk: 'item', gsi1pk: open }]);
    expect(await byGsi(closed)).toEqual([{ pk: moved, sk: 'item', gsi1pk: closed }]);
  });

  it('accepts ClientRequestToken, ReturnConsumedCapacity and ReturnItemCollectionMetrics', async () => {
    const order = unique('order');

    const result = await transact([{ Put: { TableName, Item: { pk: order, sk: 'item' } } }], {
      ClientRequestToken: `token-${order}`,
      ReturnConsumedCapacity: 'TOTAL',
      ReturnItemCollectionMetrics: 'SIZE',
    });

    expect(result.ConsumedCapacity).toEqual([{ TableName, CapacityUnits: expect.any(Number) }]);
    expect(await get(order)).toEqual({ pk: order, sk: 'item' });
  });

  it('serialises concurrent transactions: of ten taking 1 of a stock of 5, exactly five succeed', async () => {
    const product = unique('product');
    await put({ pk: product, sk: 'item', stock: 5, sold: 0 });
    const orders = Array.from({ length: 10 }, () => unique('order'));

    const outcomes = await Promise.allSettled(orders.map((order) => transact([take(product, 1), { Put: { TableName, Item: { pk: order, sk: 'item' } } }])));

    const succeeded = orders.filter((_, i) => outcomes[i].status === 'fulfilled');
    const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(succeeded).toHaveLength(5);
    for (const failure of failures) {
      expect(failure).toMatchObject({ name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] });
    }
    expect(await get(product)).toEqual({ pk: product, sk: 'item', stock: 0, sold: 5 });
    const written = await Promise.all(orders.map((order) => get(order)));
    expect(orders.filter((_, i) => written[i] !== undefined)).toEqual(succeeded);
  });

  it('runs concurrent transactions that touch the same items in opposite orders without deadlock', async () => {
    const [a, b] = [unique('a'), unique('b')];
    await put({ pk: a, sk: 'item', count: 0 });
    await put({ pk: b, sk: 'item', count: 0 });
    const increment = (pk: string): TransactItem => ({
      Update: {
        TableName,
        Key: { pk, sk: 'item' },
        UpdateExpression: 'ADD #c :one',
        ExpressionAttributeNames: { '#c': 'count' },
        ExpressionAttributeValues: { ':one': 1 },
      },
    });

    await Promise.all(Array.from({ length: 10 }, (_, i) => transact(i % 2 ? [increment(a), increment(b)] : [increment(b), increment(a)])));

    expect(await get(a)).toEqual({ pk: a, sk: 'item', count: 10 });
    expect(await get(b)).toEqual({ pk: b, sk: 'item', count: 10 });
  });
});
