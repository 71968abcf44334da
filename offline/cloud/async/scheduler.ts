import { randomUUID } from 'node:crypto';
import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { LocalClients } from '../provision/clients';
import type { SchedulePlan } from '../provision/plan';
import { nextFiring, parseSchedule } from './schedule-expression';

/**
 * EventBridge for the local cloud: at each firing, the scheduled event goes into the function's
 * event queue, so schedules get Lambda's async rules (retries, on-failure destination) like SNS and S3.
 */
export function startScheduler(schedules: SchedulePlan[], options: { clients: LocalClients; region: string; accountId: string; log: (m: string) => void }) {
  const timers = new Set<NodeJS.Timeout>();
  const startedAt = new Date();
  let stopped = false;

  const arm = (plan: SchedulePlan, schedule: ReturnType<typeof parseSchedule>) => {
    if (stopped) return;
    const at = nextFiring(schedule, new Date(), startedAt);
    const timer = setTimeout(async () => {
      timers.delete(timer);
      arm(plan, schedule);
      const event = plan.input ?? {
        version: '0',
        id: randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: options.accountId,
        time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: options.region,
        resources: [`arn:aws:events:${options.region}:${options.accountId}:rule/${plan.ruleName}`],
        detail: {},
      };
      try {
        const { QueueUrl } = await options.clients.sqs.send(new GetQueueUrlCommand({ QueueName: plan.queue }));
        await options.clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(event) }));
      } catch (error) {
        options.log(`${plan.functionKey}: schedule ${plan.expression} could not fire: ${(error as Error).message}`);
      }
    }, at.getTime() - Date.now());
    timer.unref();
    timers.add(timer);
  };

  for (const plan of schedules) arm(plan, parseSchedule(plan.expression));
  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
