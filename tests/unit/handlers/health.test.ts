import type { Context } from 'aws-lambda';
import { handler } from '../../../handlers/health';
import event from '../../../events/health.json';

describe('health', () => {
  it('answers 200 with a status', async () => {
    const response = await handler(event as never, {} as Context);
    expect(response).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(response.body as string)).toEqual({ status: 'ok' });
  });
});
