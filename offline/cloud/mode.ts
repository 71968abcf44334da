import http from 'node:http';
import type { LocalCloudSettings } from '../plugin/settings';

export type Mode = 'embedded' | 'docker';

/**
 * LOCAL_CLOUD=docker|embedded forces a mode; otherwise ElasticMQ + LocalStack answering on their
 * ports (`docker compose up -d`) means docker, and nothing there means embedded.
 */
export async function detectMode(settings: Pick<LocalCloudSettings, 'sqsPort' | 'edgePort'>, forced: string | undefined): Promise<Mode> {
  if (forced && forced !== 'docker' && forced !== 'embedded') throw new Error(`LOCAL_CLOUD must be "docker" or "embedded", not "${forced}"`);
  const [localstack, sqs] = await Promise.all([
    get(`http://127.0.0.1:${settings.edgePort}/_localstack/health`),
    get(`http://127.0.0.1:${settings.sqsPort}/?Action=ListQueues`),
  ]);
  const dockerUp = localstack?.status === 200 && localstack.body.includes('"services"') && sqs !== undefined;
  if (forced === 'docker' && !dockerUp) {
    throw new Error(
      `LOCAL_CLOUD=docker, but ${localstack ? '' : `LocalStack is not answering on 127.0.0.1:${settings.edgePort} `}${sqs ? '' : `ElasticMQ is not answering on 127.0.0.1:${settings.sqsPort}`}: run \`docker compose up -d\` first.`,
    );
  }
  if (forced) return forced as Mode;
  return dockerUp ? 'docker' : 'embedded';
}

function get(url: string): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 500 }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}
