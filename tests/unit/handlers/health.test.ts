import type { Context } from 'aws-lambda';
import { handler } from '../../../handlers/health';
import { fixture, httpEvent, invokeHttp } from '../../support/events';
import { lambdaContext } from '../../support/lambda-context';

describe('GET /health (health)', () => {
  it('answers 200 with a status', async () => {
    const response = await handler(fixture('health') as never, {} as Context);

    expect(response).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(response.body as string)).toEqual({ status: 'ok' });
  });

  it("echoes the caller's correlation id", async () => {
    const answer = await invokeHttp(handler, httpEvent('health', { headers: { 'X-Correlation-Id': 'probe-42' } }), lambdaContext('health'));

    expect(answer.headers['x-correlation-id']).toBe('probe-42');
  });
});
