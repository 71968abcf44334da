import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import type { LocalClients } from './clients';
import type { LocalCloudPlan } from './plan';

/**
 * Creates the plan's event buses, rules and targets through the EventBridge API, idempotently
 * (PutRule and PutTargets replace what is there): the same calls against the embedded EventBridge
 * and LocalStack's. Schedule rules are not created here: the local scheduler fires them, in both
 * modes, so LocalStack never fires one a second time.
 */
export async function provisionEventBridge(plan: Pick<LocalCloudPlan, 'eventBuses' | 'eventRules'>, clients: LocalClients): Promise<void> {
  for (const name of plan.eventBuses) {
    await clients.eventbridge.send(new CreateEventBusCommand({ Name: name })).catch((error: { name?: string }) => {
      if (error.name !== 'ResourceAlreadyExistsException') throw error;
    });
  }
  for (const rule of plan.eventRules) {
    await clients.eventbridge
      .send(new PutRuleCommand({ Name: rule.name, EventBusName: rule.eventBus, EventPattern: JSON.stringify(rule.pattern), State: rule.state }))
      .catch((error: Error) => {
        throw new Error(`EventBridge rule ${rule.name} (bus ${rule.eventBus}): ${error.message}`);
      });
    const { FailedEntryCount, FailedEntries = [] } = await clients.eventbridge.send(
      new PutTargetsCommand({
        Rule: rule.name,
        EventBusName: rule.eventBus,
        Targets: rule.targets.map((t) => ({
          Id: t.id,
          Arn: t.arn,
          Input: t.input,
          InputPath: t.inputPath,
          InputTransformer: t.inputTransformer,
          RetryPolicy: t.retryPolicy,
          DeadLetterConfig: t.deadLetterArn ? { Arn: t.deadLetterArn } : undefined,
        })),
      }),
    );
    if (FailedEntryCount) throw new Error(`EventBridge rule ${rule.name}: ${FailedEntries.map((f) => `target ${f.TargetId}: ${f.ErrorMessage}`).join('; ')}`);
  }
}
