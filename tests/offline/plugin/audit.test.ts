import { auditService, type AuditedService } from '../../../offline/plugin/audit';
import { resolvedService } from '../support/resolved-service';

const oneFunction = (fn: Record<string, unknown>): AuditedService => ({ functions: { worker: { handler: 'worker.handler', ...fn } } });
const withEvent = (event: Record<string, unknown>) => oneFunction({ events: [event] });

describe('auditService: one warning line per thing the local cloud does not run', () => {
  it.each<[string, AuditedService, string[]]>([
    [
      'a supported sqs event',
      withEvent({ sqs: { arn: 'arn:aws:sqs:us-east-1:1:q', batchSize: 5, functionResponseType: 'ReportBatchItemFailures', maximumConcurrency: 2 } }),
      [],
    ],
    ['an event in its short form', withEvent({ sns: 'arn:aws:sns:us-east-1:1:topic' }), []],
    ['an event in its short form, as an intrinsic function', withEvent({ sns: { 'Fn::Sub': 'arn:aws:sns:${AWS::Region}:${AWS::AccountId}:topic' } }), []],
    ['events serverless-offline runs, whatever their properties', withEvent({ httpApi: { method: 'GET', path: '/', authorizer: { name: 'x' } } }), []],
    ['a websocket route', withEvent({ websocket: { route: '$connect' } }), []],
    ['a two-way websocket route', withEvent({ websocket: { route: 'subscribe', routeResponseSelectionExpression: '$default' } }), []],
    ['a websocket route in its short form', withEvent({ websocket: '$disconnect' }), []],
    ['a websocket authorizer', withEvent({ websocket: { route: '$connect', authorizer: { name: 'auth' } } }), []],
    [
      "a websocket authorizer's identity source",
      withEvent({ websocket: { route: '$connect', authorizer: { name: 'auth', identitySource: ['route.request.querystring.token'] } } }),
      ['worker: websocket.authorizer.identitySource is not run locally (the authorizer is called even without it)'],
    ],
    [
      'an unsupported stream property',
      withEvent({ stream: { type: 'kinesis', arn: 'arn', tumblingWindowInSeconds: 30 } }),
      ['worker: stream.tumblingWindowInSeconds is not run locally'],
    ],
    ['an enhanced fan-out consumer', withEvent({ stream: { type: 'kinesis', arn: 'arn', consumer: true } }), ['worker: stream.consumer is not run locally']],
    [
      'a stream on-success destination',
      withEvent({ stream: { type: 'dynamodb', arn: 'arn', destinations: { onFailure: 'arn', onSuccess: 'arn' } } }),
      ['worker: stream.destinations.onSuccess is not run locally'],
    ],
    ['a stream of another type', withEvent({ stream: { type: 'kafka', arn: 'arn' } }), ['worker: stream.type kafka is not run locally']],
    [
      'an SNS subscription DLQ',
      withEvent({ sns: { arn: 'arn', redrivePolicy: { deadLetterTargetArn: 'arn' } } }),
      ['worker: sns.redrivePolicy is not run locally'],
    ],
    ['a schedule input path', withEvent({ schedule: { rate: 'rate(1 minute)', inputPath: '$.detail' } }), ['worker: schedule.inputPath is not run locally']],
    ['an event type nothing runs', withEvent({ cloudwatchLog: '/aws/lambda/other' }), ['worker: cloudwatchLog events are not run locally']],
    ['a Kafka event', withEvent({ kafka: { topic: 't' } }), ['worker: kafka events are not run locally']],
    ['reserved concurrency', oneFunction({ reservedConcurrency: 5 }), ['worker: reservedConcurrency is not run locally (invocations are not throttled)']],
    [
      'layers',
      oneFunction({ layers: ['arn:aws:lambda:us-east-1:1:layer:x:1'] }),
      ["worker: layers is not run locally (the layers' code is not on the function's path)"],
    ],
    [
      'function properties that change nothing a function observes',
      oneFunction({ memorySize: 512, vpc: { subnetIds: [] }, provisionedConcurrency: 1, tracing: 'Active' }),
      [],
    ],
    ['async destinations and retries', oneFunction({ maximumRetryAttempts: 1, maximumEventAge: 60, destinations: { onSuccess: 'a', onFailure: 'b' } }), []],
  ])('%s', (_, service, expected) => {
    expect(auditService(service).warnings).toEqual(expected);
  });

  it('names each resource of a type it does not create', () => {
    const { warnings } = auditService({
      resources: { Resources: { Flow: { Type: 'AWS::StepFunctions::StateMachine' }, Orders: { Type: 'AWS::DynamoDB::Table' } } },
    });

    expect(warnings).toEqual(['resource Flow (AWS::StepFunctions::StateMachine) is not created locally']);
  });

  it('sums the deploy-only resources up in one line, apart from the warnings', () => {
    const { warnings, deployOnly } = auditService({
      resources: {
        Resources: {
          RoleA: { Type: 'AWS::IAM::Role' },
          RoleB: { Type: 'AWS::IAM::Role' },
          Alarm: { Type: 'AWS::CloudWatch::Alarm' },
          Allow: { Type: 'AWS::Lambda::Permission' },
          Bus: { Type: 'AWS::Events::EventBus' },
        },
      },
    });

    expect(warnings).toEqual([]);
    expect(deployOnly).toBe(
      '4 deploy-only resource(s) not created locally (access, logs, alarms, keys): AWS::IAM::Role ×2, AWS::CloudWatch::Alarm, AWS::Lambda::Permission',
    );
  });

  it("on orderflow's own serverless.yml, warns only of the payments function's reserved concurrency", async () => {
    const { warnings } = auditService((await resolvedService()) as AuditedService);

    expect(warnings).toEqual(['processPayment: reservedConcurrency is not run locally (invocations are not throttled)']);
  }, 60_000);
});
