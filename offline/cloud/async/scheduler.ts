import { randomUUID } from 'node:crypto';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { targetPayload } from '../emulators/eventbridge-input';
import type { LocalClients } from '../provision/clients';
import type { SchedulePlan } from '../provision/plan';
import { nextFiring, parseSchedule } from './schedule-expression';

/**
 * EventBridge schedules for the local cloud (both modes): at each firing, the scheduled event goes
 * into the function's event queue, so schedules get Lambda's async rules (retries, on-failure
 * destination) like SNS and S3; a schedule rule's SQS or SNS target gets it through the SQS/SNS API.
 */
export function startScheduler(schedules: SchedulePlan[], options: { clients: LocalClients; region: string; accountId: string; log: (m: string) => void }) {
  const timers = new Set<NodeJS.Timeout>();
  const startedAt = new Date();
  let stopped = false;

  const arm = (plan: SchedulePlan, schedule: ReturnType<typeof parseSchedule>) => {
    if (stopped) return;
    const at = nextFiring(schedule, new Date(), startedAt);
    const timer = setTimeout(() => {
      timers.delete(timer);
      arm(plan, schedule);
      void fire(plan, at);
    }, at.getTime() - Date.now());
    timer.unref();
    timers.add(timer);
  };

  /** Sends the rule's event (or its transformed input) to its target; a failure is logged, the next firing comes anyway. */
  const fire = async function fireSchedule(plan: SchedulePlan, at: Date) {
    try {
      const ruleArn = `arn:aws:events:${options.region}:${options.accountId}:rule/${plan.ruleName}`;
      const event = {
        version: '0',
        id: randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: options.accountId,
        time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: options.region,
        resources: [ruleArn],
        detail: {},
      };
      const body = plan.transform
        ? targetPayload(plan.transform, event, { ruleArn, ruleName: plan.ruleName, ingestionTime: at.toISOString() })
        : JSON.stringify(plan.input ?? event);
      if (plan.topic) {
        await options.clients.sns.send(new PublishCommand({ TopicArn: `arn:aws:sns:${options.region}:${options.accountId}:${plan.topic}`, Message: body }));
      } else {
        const { QueueUrl } = await options.clients.sqs.send(new GetQueueUrlCommand({ QueueName: plan.queue }));
        await options.clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
      }
    } catch (error) {
      options.log(`${plan.functionKey}: schedule ${plan.expression} could not fire: ${(error as Error).message}`);
    }
  };

  for (const plan of schedules) arm(plan, parseSchedule(plan.expression));
  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
