import { createServer, type Server } from 'node:http';
import { detectMode } from '../../../offline/cloud/mode';
import { freePorts } from '../support/ports';

/** Ports where nothing listens: found free, and bound by no one during the test. */
async function unusedPorts() {
  const [sqsPort, edgePort] = await freePorts(2);
  return { sqsPort, edgePort };
}

function serve(port: number, answer: (url: string) => [number, string]): Promise<Server> {
  const server = createServer((req, res) => {
    const [status, body] = answer(req.url ?? '/');
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

const close = (server: Server) => new Promise((resolve) => server.close(resolve));

describe('detectMode', () => {
  it('is embedded when nothing answers on the ports', async () => {
    expect(await detectMode(await unusedPorts(), undefined)).toBe('embedded');
  });

  it('is docker when LocalStack reports its services and ElasticMQ answers', async () => {
    const ports = await unusedPorts();
    const localstack = await serve(ports.edgePort, (url) => (url === '/_localstack/health' ? [200, '{"services":{"sns":"running"}}'] : [404, '{}']));
    const elasticmq = await serve(ports.sqsPort, () => [200, '<ListQueuesResponse/>']);
    try {
      expect(await detectMode(ports, undefined)).toBe('docker');
    } finally {
      await Promise.all([close(localstack), close(elasticmq)]);
    }
  });

  it('is embedded when something else holds the edge port (not LocalStack)', async () => {
    const ports = await unusedPorts();
    const other = await serve(ports.edgePort, () => [501, '{"message":"not emulated"}']);
    const elasticmq = await serve(ports.sqsPort, () => [200, '']);
    try {
      expect(await detectMode(ports, undefined)).toBe('embedded');
    } finally {
      await Promise.all([close(other), close(elasticmq)]);
    }
  });

  it('takes LOCAL_CLOUD=embedded as it is', async () => {
    expect(await detectMode(await unusedPorts(), 'embedded')).toBe('embedded');
  });

  it('refuses any other LOCAL_CLOUD value, naming it', async () => {
    await expect(detectMode(await unusedPorts(), 'podman')).rejects.toThrow('LOCAL_CLOUD must be "docker" or "embedded", not "podman"');
  });

  it('with LOCAL_CLOUD=docker and nothing listening, fails naming both ports and the fix', async () => {
    const ports = await unusedPorts();

    const detection = detectMode(ports, 'docker');

    await expect(detection).rejects.toThrow(`LocalStack is not answering on 127.0.0.1:${ports.edgePort}`);
    await expect(detection).rejects.toThrow(`ElasticMQ is not answering on 127.0.0.1:${ports.sqsPort}`);
    await expect(detection).rejects.toThrow('docker compose up -d');
  });
});
