import WebSocket from 'ws';
import { E2E_PORTS } from './ports';

export const WEBSOCKET_URL = `ws://127.0.0.1:${E2E_PORTS.websocket}`;

export type Client = {
  /** Every message heard so far, parsed, in arrival order. */
  heard: unknown[];
  send(message: unknown): void;
  /** Resolves with the next message not yet taken by next(), waiting up to timeoutMs for it. */
  next(timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
};

/** A WebSocket client of the local cloud, connected with ?token= (none when undefined); rejects with the refusal's HTTP status. */
export function connect(token: string | undefined): Promise<Client> {
  const socket = new WebSocket(token === undefined ? WEBSOCKET_URL : `${WEBSOCKET_URL}?token=${encodeURIComponent(token)}`);
  const heard: unknown[] = [];
  let taken = 0;
  let waiting: (() => void) | undefined;
  socket.on('message', (data) => {
    heard.push(JSON.parse((data as Buffer).toString('utf8')));
    waiting?.();
  });
  const client: Client = {
    heard,
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    async next(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (heard.length <= taken) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`No message within ${timeoutMs} ms; heard so far: ${JSON.stringify(heard)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiting = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        waiting = undefined;
      }
      return heard[taken++];
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close();
      }),
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('unexpected-response', (_request, response) => {
      reject(Object.assign(new Error(`refused with ${response.statusCode}`), { statusCode: response.statusCode }));
      response.resume();
      socket.terminate();
    });
    socket.once('error', reject);
  });
}
