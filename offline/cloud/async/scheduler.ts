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
 * Firings follow the local clock (`now`): after it advances, `rearm` fires once what came due meanwhile
 * (the firings it skipped are not each replayed) and times the next ones anew.
 */
export function startScheduler(
  schedules: SchedulePlan[],
  options: { clients: LocalClients; region: string; accountId: string; log: (m: string) => void; now?: () => number },
) {
  const now = options.now ?? Date.now;
  const armed = new Map<SchedulePlan, { at: Date; timer: NodeJS.Timeout }>();
  const parsed = new Map(schedules.map((plan) => [plan, parseSchedule(plan.expression)]));
  const startedAt = new Date(now());
  let stopped = false;

  const arm = (plan: SchedulePlan) => {
    if (stopped) return;
    const at = nextFiring(parsed.get(plan)!, new Date(now()), startedAt);
    const timer = setTimeout(() => {
      arm(plan);
      void fire(plan, at);
    }, at.getTime() - now());
    timer.unref();
    armed.set(plan, { at, timer });
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

  for (const plan of schedules) arm(plan);
  return {
    /** Fires every schedule of the function (its key in serverless.yml) now; how many it has. */
    fireNow(functionKey: string): number {
      const plans = schedules.filter((plan) => plan.functionKey === functionKey);
      for (const plan of plans) void fire(plan, new Date(now()));
      return plans.length;
    },
    /** After the local clock moved: what came due fires once, and every schedule is timed anew. */
    rearm(): void {
      for (const [plan, { at, timer }] of armed) {
        clearTimeout(timer);
        if (at.getTime() <= now()) void fire(plan, at);
        arm(plan);
      }
    },
    async stop() {
      stopped = true;
      for (const { timer } of armed.values()) clearTimeout(timer);
    },
  };
}

export type Scheduler = ReturnType<typeof startScheduler>;
