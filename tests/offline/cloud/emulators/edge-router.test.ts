import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEdgeRouter, serviceOf } from '../../../../offline/cloud/emulators/edge-router';

const signedFor = (service: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd`,
});

describe('serviceOf', () => {
  it('reads the service from the SigV4 credential scope of the Authorization header', () => {
    for (const service of ['sqs', 'sns', 's3', 'dynamodb', 'kinesis', 'lambda']) {
      expect(serviceOf({ headers: signedFor(service), url: '/' })).toBe(service);
    }
  });

  it('reads the service from the X-Amz-Credential of a presigned URL', () => {
    const url =
      '/orderflow-local-imports/incoming/i-1.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=900&X-Amz-Signature=ab&X-Amz-SignedHeaders=host';

    expect(serviceOf({ headers: {}, url })).toBe('s3');
  });

  it('prefers the Authorization header over the query', () => {
    expect(serviceOf({ headers: signedFor('sns'), url: '/?X-Amz-Credential=test%2F20260101%2Fus-east-1%2Fs3%2Faws4_request' })).toBe('sns');
  });

  it('falls back to X-Amz-Target for unsigned DynamoDB and Kinesis calls', () => {
    expect(serviceOf({ headers: { 'x-amz-target': 'DynamoDB_20120810.PutItem' }, url: '/' })).toBe('dynamodb');
    expect(serviceOf({ headers: { 'x-amz-target': 'Kinesis_20131202.GetRecords' }, url: '/' })).toBe('kinesis');
  });

  it('knows nothing of a request without a signature or a known target', () => {
    expect(serviceOf({ headers: {}, url: '/' })).toBeUndefined();
    expect(serviceOf({ headers: { 'x-amz-target': 'AWSStepFunctions.StartExecution' }, url: '/' })).toBeUndefined();
    expect(serviceOf({ headers: { authorization: 'Bearer abc' }, url: '/health' })).toBeUndefined();
  });
});

describe('createEdgeRouter', () => {
  let upstream: Server;
  let edge: Server;
  let base: string;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      res.writeHead(201, { 'content-type': 'text/plain', 'x-upstream': 'yes' });
      req.pipe(res);
    });
    await listen(upstream);
    edge = createEdgeRouter({
      sns: (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('from sns'),
      dynamodb: (upstream.address() as AddressInfo).port,
      s3: async () => {
        throw new Error('disk full');
      },
    });
    await listen(edge);
    base = `http://127.0.0.1:${(edge.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const server of [edge, upstream]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers with an in-process route', async () => {
    const response = await fetch(base, { method: 'POST', headers: signedFor('sns'), body: 'Action=ListTopics' });

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('from sns');
  });

  it('forwards to an emulator port, body, status and headers included', async () => {
    const response = await fetch(`${base}/path?x=1`, { method: 'POST', headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem' }, body: '{"TableName":"t"}' });

    expect(response.status).toBe(201);
    expect(response.headers.get('x-upstream')).toBe('yes');
    expect(await response.text()).toBe('{"TableName":"t"}');
  });

  it('answers 501 naming a service it does not emulate', async () => {
    const response = await fetch(base, { method: 'POST', headers: signedFor('stepfunctions'), body: '{}' });

    expect(response.status).toBe(501);
    expect(((await response.json()) as { message: string }).message).toContain('"stepfunctions"');
  });

  it('answers 501 for a request it cannot attribute to any service', async () => {
    const response = await fetch(`${base}/anything`);

    expect(response.status).toBe(501);
    expect(((await response.json()) as { message: string }).message).toContain('"unknown"');
  });

  it('answers 502 with the reason when a route fails', async () => {
    const response = await fetch(`${base}/bucket`, { headers: signedFor('s3') });

    expect(response.status).toBe(502);
    expect(((await response.json()) as { message: string }).message).toContain('disk full');
  });
});

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
}
