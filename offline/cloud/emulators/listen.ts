import type { Server } from 'node:http';

/** Thrown when a port the local cloud needs is taken; the message names it. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    what: string,
  ) {
    super(
      `Port ${port} (${what}) is already in use on 127.0.0.1. Stop whatever holds it (another \`npm start\`, LocalStack, ElasticMQ), or run with LOCAL_CLOUD=docker to use the containers that hold it.`,
    );
    this.name = 'PortInUseError';
  }
}

/**
 * Listens on 127.0.0.1 only; port 0 picks a free one. The listener does not keep the process alive
 * by itself: if Serverless stops on an error, the emulators go with it instead of holding ports.
 */
export function listenOn<S extends Server>(server: S, port: number, what = 'local cloud'): Promise<S> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, what) : error));
    server.listen(port, '127.0.0.1', () => resolve(server.unref()));
  });
}
