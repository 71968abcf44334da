import { DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { LocalClients } from '../provision/clients';
import type { AsyncConsumerPlan } from '../provision/plan';
import { asyncFailureRecord, asyncSuccessRecord, functionArn } from '../lambda/invocation-record';
import { AS_IS_EVENT_ATTRIBUTE, type Destination, type SendToDestination } from '../lambda/destinations';
import { lambdaApiInvoker, type Invoker } from '../lambda/invoke';
import type { Tracer } from '../trace/tracer';

const ATTEMPTS = 'LambdaAsyncAttempts';
const ENQUEUED_AT = 'LambdaAsyncEnqueuedAt';

export type AsyncOptions = {
  clients: LocalClients;
  region: string;
  accountId: string;
  /** Seconds before the 2nd, 3rd… attempt (Lambda waits about 1 and 2 minutes; locally far less). */
  retryDelaysSeconds: number[];
  concurrency: number;
  log: (message: string) => void;
  /** How the function is invoked; by default through the Lambda API of `clients.lambda`. */
  invoke?: Invoker;
  /** Sends a record to the function's on-success or on-failure destination (destinations.ts). */
  sendToDestination: SendToDestination;
  /** The traces: each retry scheduled is a hop of its event. */
  tracer?: Pick<Tracer, 'recordAbout'>;
};

/**
 * Lambda's asynchronous invocation, for SNS, S3, schedule and EventBridge events and for records sent to
 * a function destination: each event is taken from the function's event queue, invoked, retried after a
 * delay on error (maximumRetryAttempts); its record then goes to the on-success destination, or, with
 * its error or once past maximumEventAge, to the on-failure destination.
 */
export function startAsyncConsumer(plan: AsyncConsumerPlan, options: AsyncOptions) {
  const { sqs } = options.clients;
  const abort = new AbortController();
  const arn = functionArn(options.region, options.accountId, plan.functionName);
  const invoke = options.invoke ?? lambdaApiInvoker(options.clients.lambda);
  const urls = new Map<string, Promise<string>>();
  const queueUrl = (name: string) => {
    if (!urls.has(name)) {
      const lookup = sqs.send(new GetQueueUrlCommand({ QueueName: name })).then((r) => r.QueueUrl!);
      lookup.catch(() => urls.delete(name)); // a failed lookup is tried again, not cached
      urls.set(name, lookup);
    }
    return urls.get(name)!;
  };

  /**
   * Sends the event's record where the function's configuration says. A record that cannot be
   * delivered is dropped with a log line, as Lambda drops it (DestinationDeliveryFailures): the event
   * itself is done with either way, never invoked again for it.
   */
  const toDestination = async (destination: Destination | undefined, record: { requestContext: { condition: string } }) => {
    const condition = record.requestContext.condition;
    if (!destination) {
      if (condition !== 'Success') options.log(`${plan.functionKey}: event discarded (${condition}); the function has no on-failure destination`);
      return;
    }
    try {
      await options.sendToDestination(destination, record);
    } catch (error) {
      options.log(`${plan.functionKey}: the ${condition} record could not be sent to ${destination.arn}, and is dropped: ${(error as Error).message}`);
    }
  };

  /** Invokes one event with Lambda's async rules; settles once the event is done with (to be deleted). */
  const handle = async (message: Message, url: string): Promise<void> => {
    // The attempt count and first enqueue time travel with the event (see retryLater), so they
    // survive a restart and do not depend on how an SQS implementation counts receives.
    const previousAttempts = Number(message.MessageAttributes?.[ATTEMPTS]?.StringValue ?? 0);
    const enqueuedAt = Number(message.MessageAttributes?.[ENQUEUED_AT]?.StringValue ?? message.Attributes?.SentTimestamp ?? Date.now());
    const asIs = message.MessageAttributes?.[AS_IS_EVENT_ATTRIBUTE] !== undefined;
    const event = asIs ? parseEvent(message.Body ?? '') : lambdaEvent(plan, message.Body ?? '');
    if (event === 'skip') return;
    if (Date.now() - enqueuedAt > plan.maximumEventAgeSeconds * 1000) {
      return toDestination(
        plan.onFailure,
        asyncFailureRecord({ functionArn: arn, condition: 'EventAgeExceeded', approximateInvokeCount: previousAttempts, requestPayload: event }),
      );
    }
    const attempt = previousAttempts + 1;
    const result = await invoke(plan.functionName, event, { attempt });
    if (result.ok) {
      return toDestination(
        plan.onSuccess,
        asyncSuccessRecord({ functionArn: arn, approximateInvokeCount: attempt, requestPayload: event, responsePayload: result.payload }),
      );
    }
    if (attempt > plan.maximumRetryAttempts) {
      const { errorType, errorMessage, trace, stackTrace } = result.error;
      const error = { errorType, errorMessage, ...(trace ? { trace } : {}), ...(stackTrace ? { stackTrace } : {}) };
      return toDestination(
        plan.onFailure,
        asyncFailureRecord({ functionArn: arn, condition: 'RetriesExhausted', approximateInvokeCount: attempt, error, requestPayload: event }),
      );
    }
    const delay = options.retryDelaysSeconds[Math.min(attempt - 1, options.retryDelaysSeconds.length - 1)] ?? 1;
    options.log(`${plan.functionKey}: attempt ${attempt} failed (${result.error.errorMessage}); retrying in ${delay}s`);
    const reason = `${result.error.errorType}: ${result.error.errorMessage}`;
    options.tracer?.recordAbout(
      { kind: 'retry', at: Date.now(), outcome: 'ok', function: plan.functionKey, attempt: attempt + 1, delayMs: delay * 1000, reason },
      event,
    );
    await retryLater(url, message, attempt, enqueuedAt, delay);
  };

  /**
   * Invokes the events of one receive side by side, as Lambda runs concurrent async invocations, then
   * deletes those done with in one call. One that failed to be handled (e.g. its retry could not be
   * queued) stays, and comes back after the queue's visibility timeout.
   */
  const handleAll = async (messages: Message[], url: string) => {
    const outcomes = await Promise.allSettled(messages.map((message) => handle(message, url)));
    const done = messages.filter((_, i) => outcomes[i].status === 'fulfilled');
    for (const outcome of outcomes)
      if (outcome.status === 'rejected') options.log(`${plan.functionKey}: event source error: ${(outcome.reason as Error).message}`);
    if (done.length === 0) return;
    await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: url, Entries: done.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle })) }),
    );
  };

  /** Queues the event again, delayed, carrying its attempt count and age. */
  const retryLater = (url: string, message: Message, attempts: number, enqueuedAt: number, delaySeconds: number) =>
    sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: message.Body,
        DelaySeconds: delaySeconds,
        MessageAttributes: {
          ...(message.MessageAttributes?.[AS_IS_EVENT_ATTRIBUTE] ? { [AS_IS_EVENT_ATTRIBUTE]: message.MessageAttributes[AS_IS_EVENT_ATTRIBUTE] } : {}),
          [ATTEMPTS]: { DataType: 'Number', StringValue: String(attempts) },
          [ENQUEUED_AT]: { DataType: 'Number', StringValue: String(enqueuedAt) },
        },
      }),
    );

  const worker = async () => {
    while (!abort.signal.aborted) {
      try {
        const url = await queueUrl(plan.queue);
        // A long poll returns as soon as an event arrives, with whatever else waits (up to 10).
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 20,
            MessageAttributeNames: [ATTEMPTS, ENQUEUED_AT, AS_IS_EVENT_ATTRIBUTE],
            // Both spellings: some SQS implementations read only the older AttributeNames.
            MessageSystemAttributeNames: ['SentTimestamp'],
            AttributeNames: ['All'],
          }),
          { abortSignal: abort.signal },
        );
        if (Messages.length > 0) await handleAll(Messages, url);
      } catch (error) {
        if (abort.signal.aborted) return;
        options.log(`${plan.functionKey}: event source error: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };

  const workers = Array.from({ length: options.concurrency }, worker);
  return {
    async stop() {
      abort.abort();
      await Promise.allSettled(workers);
    },
  };
}

/** An event queued as it is (an asynchronous invocation's payload); a body that is not JSON is passed as a string. */
function parseEvent(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** The Lambda event for a queued message (SNS envelope, S3 event, scheduled or EventBridge event), or 'skip' for S3's test event. */
export function lambdaEvent(plan: Pick<AsyncConsumerPlan, 'source' | 'subscriptionArn'>, body: string): unknown {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body);
  } catch {
    // Text from an EventBridge input template reaches the function as that text.
    if (plan.source === 'eventbridge' || plan.source === 'schedule') return body;
    // Not what SNS or S3 would queue: hand it over as it is, and let the function fail on it visibly.
    return { Records: [], unparsedBody: body };
  }
  if (plan.source === 'invoke') return parsed;
  if (plan.source === 's3') return parsed.Event === 's3:TestEvent' ? 'skip' : parsed;
  // EventBridge hands Lambda the delivered JSON as it is (the event, or what the target's input made of it).
  if (plan.source === 'schedule' || plan.source === 'eventbridge') return parsed;
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: plan.subscriptionArn ?? `${parsed.TopicArn}:local`,
        Sns: {
          Type: parsed.Type,
          MessageId: parsed.MessageId,
          TopicArn: parsed.TopicArn,
          Subject: parsed.Subject ?? null,
          Message: parsed.Message,
          Timestamp: parsed.Timestamp,
          SignatureVersion: parsed.SignatureVersion,
          Signature: parsed.Signature,
          SigningCertUrl: parsed.SigningCertURL,
          UnsubscribeUrl: parsed.UnsubscribeURL,
          MessageAttributes: parsed.MessageAttributes ?? {},
        },
      },
    ],
  };
}
