import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type QueueNotification = { queueArn: string; events: string[]; prefix?: string; suffix?: string };

/** What s3rver tells us about an object event. */
export type ObjectEvent = { bucket: string; key: string; eventName: string; size?: number; eTag?: string };

/**
 * Bucket notification configuration (SQS targets) for the embedded S3, which has none of its own:
 * the edge router hands it `PUT/GET ?notification`, and s3rver's object events are matched here
 * and sent on as the S3 event messages AWS would send. The same provisioning call configures
 * LocalStack's S3 in docker mode.
 */
export function createS3Notifications(options: { region: string; send: (queueArn: string, body: string) => Promise<void>; onError: (e: unknown) => void }) {
  const byBucket = new Map<string, QueueNotification[]>();

  return {
    /** True when it answered the request itself. */
    handle(bucket: string, req: IncomingMessage, res: ServerResponse, body: string): boolean {
      if (req.method === 'PUT') {
        byBucket.set(bucket, parseNotificationXml(body));
        res.writeHead(200).end();
        return true;
      }
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(toNotificationXml(byBucket.get(bucket) ?? []));
        return true;
      }
      return false;
    },

    objectEvent(event: ObjectEvent): void {
      for (const target of byBucket.get(event.bucket) ?? []) {
        if (!matches(target, event)) continue;
        options.send(target.queueArn, JSON.stringify({ Records: [s3Record(options.region, event)] })).catch(options.onError);
      }
    },
  };
}

export function matches(target: QueueNotification, event: ObjectEvent): boolean {
  const eventOk = target.events.some((pattern) => {
    const wanted = pattern.replace(/^s3:/, '');
    return wanted.endsWith(':*') ? event.eventName.startsWith(wanted.slice(0, -1)) : event.eventName === wanted;
  });
  return eventOk && event.key.startsWith(target.prefix ?? '') && event.key.endsWith(target.suffix ?? '');
}

/** One record of the event S3 sends for an object (key URL-encoded, as S3 does). */
export function s3Record(region: string, event: ObjectEvent) {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: region,
    eventTime: new Date().toISOString(),
    eventName: event.eventName,
    userIdentity: { principalId: 'AWS:LOCAL' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(), 'x-amz-id-2': randomBytes(24).toString('base64') },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'local',
      bucket: { name: event.bucket, ownerIdentity: { principalId: 'LOCAL' }, arn: `arn:aws:s3:::${event.bucket}` },
      object: {
        key: encodeURIComponent(event.key).replace(/%2F/g, '/').replace(/%20/g, '+'),
        ...(event.size !== undefined ? { size: event.size } : {}),
        ...(event.eTag ? { eTag: event.eTag } : {}),
        sequencer: Date.now().toString(16).toUpperCase(),
      },
    },
  };
}

const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function parseNotificationXml(xml: string): QueueNotification[] {
  const blocks = xml.match(/<QueueConfiguration>[\s\S]*?<\/QueueConfiguration>/g) ?? [];
  return blocks.map((block) => {
    const rules = Object.fromEntries(
      [...block.matchAll(/<FilterRule>\s*<Name>([^<]*)<\/Name>\s*<Value>([^<]*)<\/Value>\s*<\/FilterRule>/g)].map((m) => [
        unescapeXml(m[1]).toLowerCase(),
        unescapeXml(m[2]),
      ]),
    );
    return {
      queueArn: unescapeXml(/<Queue>([^<]*)<\/Queue>/.exec(block)?.[1] ?? ''),
      events: [...block.matchAll(/<Event>([^<]*)<\/Event>/g)].map((m) => unescapeXml(m[1])),
      prefix: rules.prefix,
      suffix: rules.suffix,
    };
  });
}

function toNotificationXml(targets: QueueNotification[]): string {
  const body = targets
    .map((t) => {
      const rules = [t.prefix !== undefined ? ['prefix', t.prefix] : undefined, t.suffix !== undefined ? ['suffix', t.suffix] : undefined]
        .filter((r): r is string[] => r !== undefined)
        .map(([name, value]) => `<FilterRule><Name>${name}</Name><Value>${escapeXml(value)}</Value></FilterRule>`)
        .join('');
      return `<QueueConfiguration><Queue>${escapeXml(t.queueArn)}</Queue>${t.events.map((e) => `<Event>${escapeXml(e)}</Event>`).join('')}${rules ? `<Filter><S3Key>${rules}</S3Key></Filter>` : ''}</QueueConfiguration>`;
    })
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${body}</NotificationConfiguration>`;
}
