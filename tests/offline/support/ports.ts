import { createServer } from 'node:net';

/**
 * Below Linux's ephemeral range (32768-60999), from which the OS picks both a `listen(0)` port and the
 * local port of every outgoing connection: a port found there can be taken by a connection of another
 * test's cloud before it is listened on again (EADDRINUSE). Above the fixed ports of `npm start`, the
 * e2e suite and the bench (3000-9999).
 */
const LOW = 20_000;
const HIGH = 32_000;

/** A port nothing listens on right now, outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (await canListenOn(port)) return port;
  }
}

/** Several distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Whether something can listen on the port again (nothing holds it). */
export function canListenOn(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
