import { httpHandler } from '../lib/http/http-handler';
import { ok } from '../lib/http/http-result';

export const handler = httpHandler(async () => ok({ status: 'ok' }));
