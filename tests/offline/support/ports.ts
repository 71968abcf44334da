import { createServer } from 'node:net';

/** Ports that `npm start`, the e2e suite and their neighbours use: never borrow one of them. */
const TAKEN_BY_OTHERS = new Set([3000, 3002, 4566, 9324, 3100, 3102, 9424, 4666, 3200, 3202, 9524, 4766]);

/** A port nothing listens on right now, found by letting the OS pick one on 127.0.0.1. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port: picked } = server.address() as { port: number };
        server.close(() => resolve(picked));
      });
    });
    if (!TAKEN_BY_OTHERS.has(port)) return port;
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
