import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { functionEnvironment, runtimeNodeModules } from './lambda-runtime';
import { packageStage, ROOT, type PackagedStage } from './package-stage';
import { extractZip, runBundle } from './run-bundle';
import {
  checkActiveTracing,
  checkAlarmTopic,
  checkDeadLetterRetention,
  checkEncryption,
  checkFunctionErrorAlarms,
  checkGrants,
  checkLogGroups,
  checkLogPermissions,
  checkMetricAlarms,
  checkNoJwtSecret,
  checkNoWildcards,
  checkOneRolePerFunction,
  checkPointInTimeRecovery,
  checkQueueAlarms,
  checkVisibilityTimeouts,
  describeResource,
  grantsOf,
  lambdaFunctions,
  resourcesOfType,
  roleOf,
  target,
  type Grants,
  type LambdaFunction,
  type Template,
} from './template-checks';
import { zipEntries } from './zip-entries';

/**
 * `sls package --stage prod`, as CI runs it, and what a careful team requires of the stack it
 * would deploy. One packaging for the whole file (about 10 s), in a private copy of the service.
 */

// A secret as a developer's shell might hold it while deploying: it must not reach the template.
const SHELL_SECRET = 'secret-from-a-developers-shell-3f9c2a';
const LOCAL_DEV_SECRET = 'orderflow-local-dev-secret';
const FOURTEEN_DAYS = 14 * 24 * 3600;
const DEPLOYED_STAGES = ['dev', 'staging', 'prod'];

const TABLE = 'OrdersTable';
const TOPIC = 'OrderEventsTopic';
const STREAM = 'ActivityStream';
const BUS = 'IntegrationBus';
const OUTBOX_FAILURES = 'PublishOrderEventsFailuresQueue';
const sendsFailuresTo = (queue: string): Grants => ({ 'sqs:SendMessage': [queue] }); // on-failure destination
// Active tracing: the function's segments go to X-Ray (the framework adds this to the shared role only;
// provider.iam statements reach every function's role by defaultInherit). X-Ray takes no resource ARN.
const TRACES: Grants = { 'xray:PutTraceSegments': ['*'], 'xray:PutTelemetryRecords': ['*'] };

/**
 * What each function's code calls, audited against handlers/ and the lib/ modules they import;
 * the role must grant exactly this. Plugin-generated event-source grants are listed too.
 */
const CODE_GRANTS: Record<string, Grants> = {
  health: {},
  // lib/auth/jwt-secret.ts: GetParameter WithDecryption; the aws/ssm key needs no kms grant.
  authorize: { 'ssm:GetParameter': ['arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/orderflow/prod/auth-jwt-secret'] },
  listProducts: { 'dynamodb:Query': [TABLE] }, // catalog-store list
  // catalog-store get (BatchGet), order-store create (Put claim + Put order, Get on a replay)
  createOrder: { 'dynamodb:BatchGetItem': [TABLE], 'dynamodb:PutItem': [TABLE], 'dynamodb:GetItem': [TABLE] },
  getOrder: { 'dynamodb:GetItem': [TABLE] }, // the order and its payment ledger
  // import-store create; the presigned URL is signed by this role, so it needs the PutObject it hands out
  createImport: { 'dynamodb:PutItem': [TABLE], 's3:PutObject': ['arn:aws:s3:::orderflow-prod-imports/incoming/*'] },
  getImport: { 'dynamodb:GetItem': [TABLE] },
  getSalesReport: { 'dynamodb:Query': [TABLE] }, // activity-store day
  // order-store get/transition, ledger beginAttempt/capture/decline/refund (UpdateItem) and get
  processPayment: {
    'dynamodb:GetItem': [TABLE],
    'dynamodb:UpdateItem': [TABLE],
    'sqs:ReceiveMessage': ['PaymentsQueue'], // the SQS event source (plugin)
    'sqs:DeleteMessage': ['PaymentsQueue'],
    'sqs:GetQueueAttributes': ['PaymentsQueue'],
  },
  // order-store get/transition, stock-store take/giveBack (+Get), ledger refund (+Get)
  reserveInventory: { 'dynamodb:GetItem': [TABLE], 'dynamodb:UpdateItem': [TABLE], ...sendsFailuresTo('ReserveInventoryFailuresQueue') },
  // order-store get, notification-store write
  notifyCustomer: { 'dynamodb:GetItem': [TABLE], 'dynamodb:PutItem': [TABLE], ...sendsFailuresTo('NotifyCustomerFailuresQueue') },
  // GetObject of the upload; import-store get/complete; placeOrder as createOrder
  importOrders: {
    's3:GetObject': ['arn:aws:s3:::orderflow-prod-imports/incoming/*'],
    'dynamodb:GetItem': [TABLE],
    'dynamodb:BatchGetItem': [TABLE],
    'dynamodb:PutItem': [TABLE],
    'dynamodb:UpdateItem': [TABLE],
    ...sendsFailuresTo('ImportOrdersFailuresQueue'),
  },
  // activity-store apply; the Kinesis event source's poller
  aggregateActivity: {
    'dynamodb:PutItem': [TABLE],
    'kinesis:GetRecords': [STREAM],
    'kinesis:GetShardIterator': [STREAM],
    'kinesis:DescribeStream': [STREAM],
    'kinesis:DescribeStreamSummary': [STREAM],
    'kinesis:ListShards': [STREAM],
    // Added by serverless-iam-roles-per-function for every stream event. ListStreams is an
    // account-level action, so scoped to a stream ARN it grants nothing.
    'kinesis:ListStreams': [STREAM],
    ...sendsFailuresTo('AggregateActivityFailuresQueue'),
  },
  // order-store pendingBefore (the gsi1 index only), get, transition
  expireStaleOrders: {
    'dynamodb:Query': [`${TABLE}/index/gsi1`],
    'dynamodb:GetItem': [TABLE],
    'dynamodb:UpdateItem': [TABLE],
    ...sendsFailuresTo('ExpireStaleOrdersFailuresQueue'),
  },
  // order-store get, fulfilment-store get/countBookingRequest (UpdateItem)/record (PutItem); its success record: DESTINATION_GRANTS
  fulfilOrder: {
    'dynamodb:GetItem': [TABLE],
    'dynamodb:UpdateItem': [TABLE],
    'dynamodb:PutItem': [TABLE],
    ...sendsFailuresTo('FulfilOrderFailuresQueue'),
  },
  // lib/push/connect: the JWT secret (as authorize), push-store saveConnection
  wsConnect: {
    'ssm:GetParameter': ['arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/orderflow/prod/auth-jwt-secret'],
    'dynamodb:PutItem': [TABLE],
  },
  // push-store removeConnection: the connection (Get), then it and its subscriptions (Delete)
  wsDisconnect: { 'dynamodb:GetItem': [TABLE], 'dynamodb:DeleteItem': [TABLE] },
  // push-store connection (Get), order (Query of its partition), subscribe (Update of the connection, Put)
  wsSubscribe: { 'dynamodb:GetItem': [TABLE], 'dynamodb:Query': [TABLE], 'dynamodb:PutItem': [TABLE], 'dynamodb:UpdateItem': [TABLE] },
  // push-store subscribers (Query), removeConnection (Get, Delete); PostToConnection on this stage's
  // connections only; the DynamoDB stream event source (the plugin's grants, on the stream ARN alone)
  pushOrderStatus: {
    'dynamodb:Query': [TABLE],
    'dynamodb:GetItem': [TABLE],
    'dynamodb:DeleteItem': [TABLE],
    'execute-api:ManageConnections': ['arn:aws:execute-api:AWS::Region:AWS::AccountId:WebsocketsApi/prod/POST/@connections/*'],
    'dynamodb:GetRecords': [`${TABLE}.StreamArn`],
    'dynamodb:GetShardIterator': [`${TABLE}.StreamArn`],
    'dynamodb:DescribeStream': [`${TABLE}.StreamArn`],
    'dynamodb:ListStreams': [`${TABLE}.StreamArn`],
    ...sendsFailuresTo('PushOrderStatusFailuresQueue'),
  },
  // The outbox (lib/aws/order-events.ts): the three destinations of a status change; the DynamoDB stream event source's poller
  publishOrderEvents: {
    'sns:Publish': [TOPIC],
    'kinesis:PutRecord': [STREAM],
    'events:PutEvents': [BUS],
    'dynamodb:GetRecords': [`${TABLE}.StreamArn`],
    'dynamodb:GetShardIterator': [`${TABLE}.StreamArn`],
    'dynamodb:DescribeStream': [`${TABLE}.StreamArn`],
    'dynamodb:ListStreams': [`${TABLE}.StreamArn`],
    ...sendsFailuresTo(OUTBOX_FAILURES),
  },
  // activity-store day; the report object
  dailyReport: { 'dynamodb:Query': [TABLE], 's3:PutObject': ['arn:aws:s3:::orderflow-prod-reports/reports/*'], ...sendsFailuresTo('DailyReportFailuresQueue') },
};
/** What Lambda itself sends with the function's role, not its code: an on-success record to an EventBridge bus. */
const DESTINATION_GRANTS: Record<string, Grants> = { fulfilOrder: { 'events:PutEvents': [BUS] } };
const EXPECTED_GRANTS: Record<string, Grants> = Object.fromEntries(
  Object.entries(CODE_GRANTS).map(([name, grants]) => [name, { ...grants, ...DESTINATION_GRANTS[name], ...TRACES }]),
);

/** Actions AWS only accepts on Resource '*': X-Ray's, and only those. */
const WILDCARD_RESOURCE_ACTIONS: string[] = Object.keys(TRACES);

let prod: PackagedStage;
let template: Template;
let functions: Map<string, LambdaFunction>;
let params: Record<string, Record<string, unknown>>;
const param = (stage: string, name: string) => params[stage]?.[name] ?? params.default[name];

beforeAll(() => {
  prod = packageStage('prod', { env: { AUTH_JWT_SECRET: SHELL_SECRET } });
  template = prod.template;
  functions = lambdaFunctions(template, 'orderflow-prod-');
  params = prod.state.service.initialServerlessConfig.params;
}, 240_000);

afterAll(() => prod?.cleanup());

describe('sls package --stage prod', () => {
  test('packages the 21 functions, one zip each, for nodejs22.x', () => {
    expect([...functions.keys()].sort()).toEqual(Object.keys(EXPECTED_GRANTS).sort());
    const zips = fs.readdirSync(prod.packageDir).filter((file) => file.endsWith('.zip'));
    expect(zips.sort()).toEqual([...functions.keys()].map((name) => `${name}.zip`).sort());
    for (const fn of functions.values()) {
      expect({ name: fn.name, runtime: fn.resource.Properties.Runtime }).toEqual({ name: fn.name, runtime: 'nodejs22.x' });
      expect(path.basename(fn.resource.Properties.Code.S3Key)).toBe(`${fn.name}.zip`);
      const handlerFile = `${String(fn.resource.Properties.Handler).replace(/\.[^.]+$/, '')}.js`;
      expect(zipEntries(path.join(prod.packageDir, `${fn.name}.zip`)).map((entry) => entry.name)).toContain(handlerFile);
    }
  });

  test("no function both writes the orders table and publishes: the table's stream is the outbox", () => {
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    const publishes = ['sns:Publish', 'kinesis:PutRecord', 'events:PutEvents'];
    const dualWriters = Object.entries(CODE_GRANTS)
      .filter(([, grants]) => writes.some((action) => grants[action]?.includes(TABLE)) && publishes.some((action) => grants[action]))
      .map(([name]) => name);
    expect(dualWriters).toEqual([]);
    // And the template agrees with the audit (checkGrants): only the outbox publishes, and Lambda sends
    // fulfilOrder's success record to the bus (its on-success destination), which fulfilOrder's code never does.
    const publishers = [...functions.values()]
      .filter((fn) => publishes.some((action) => action in grantsOf(template.Resources[roleOf(fn)!])))
      .map((fn) => fn.name);
    expect(publishers.sort()).toEqual(['fulfilOrder', 'publishOrderEvents']);
    expect(grantsOf(template.Resources[roleOf(functions.get('fulfilOrder')!)!])['events:PutEvents']).toEqual([BUS]);
  });

  test("the orders table's stream feeds publishOrderEvents: order items only, in order, retried, failures to a queue", () => {
    expect(template.Resources.OrdersTable.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const [mapping] = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')
      .map(([, resource]) => resource)
      .filter((resource) => JSON.stringify(resource.Properties.EventSourceArn) === JSON.stringify({ 'Fn::GetAtt': ['OrdersTable', 'StreamArn'] }));
    expect(mapping.Properties).toMatchObject({
      FunctionName: { 'Fn::GetAtt': [functions.get('publishOrderEvents')!.logicalId, 'Arn'] },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: param('prod', 'outboxRetryAttempts'),
      MaximumRecordAgeInSeconds: param('prod', 'outboxMaxRecordAge'),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [OUTBOX_FAILURES, 'Arn'] } } },
    });
    const patterns = mapping.Properties.FilterCriteria.Filters.map((filter: { Pattern: string }) => JSON.parse(filter.Pattern));
    expect(patterns).toEqual([{ eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { sk: { S: ['ORDER'] } } } }]);
    expect(template.Resources.PublishOrderEventsFailuresQueueAlarm.Properties.Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': [OUTBOX_FAILURES, 'QueueName'] } },
    ]);
  });

  test('every function runs as a role of its own', () => {
    expect(checkOneRolePerFunction(template, functions)).toEqual([]);
  });

  test("each role grants exactly what its function's code calls", () => {
    expect(checkGrants(template, functions, EXPECTED_GRANTS)).toEqual([]);
  });

  test("no role allows a wildcard action, or '*' resources beyond what AWS requires", () => {
    expect(checkNoWildcards(template, WILDCARD_RESOURCE_ACTIONS)).toEqual([]);
  });

  test('each function logs to its own log group, kept for the stage retention', () => {
    expect(checkLogPermissions(template, functions)).toEqual([]);
    expect(checkLogGroups(template, functions, Number(param('prod', 'logRetentionDays')))).toEqual([]);
  });

  test('every function is traced by X-Ray, and may send its segments and nothing more', () => {
    expect(checkActiveTracing(functions)).toEqual([]);
    // Grants: EXPECTED_GRANTS adds the two X-Ray actions to every function, WILDCARD_RESOURCE_ACTIONS allows them alone on '*'.
  });

  test('a business metric that means trouble alarms on its first count', () => {
    expect(checkMetricAlarms(template, 'orderflow', { service: 'orderflow' }, ['DeadLettered'])).toEqual([]);
    expect(functions.get('processPayment')!.resource.Properties.Environment.Variables.DEAD_LETTER_AFTER_RECEIVES).toBe(
      String(param('prod', 'paymentsMaxReceiveCount')),
    );
  });

  test('every dead-letter and on-failure queue alarms on its first message and keeps 14 days', () => {
    expect(checkQueueAlarms(template)).toEqual([]);
    expect(checkDeadLetterRetention(template, FOURTEEN_DAYS)).toEqual([]);
  });

  test('every function alarms on its errors', () => {
    expect(checkFunctionErrorAlarms(template, functions)).toEqual([]);
  });

  test('alarms notify the stage alarm topic, which CloudWatch can publish to', () => {
    expect(checkAlarmTopic(template, 'AlarmTopic')).toEqual([]);
    expect(template.Resources.AlarmTopic.Properties.TopicName).toBe('orderflow-prod-alarms');
  });

  test('the payments queue hides a message for at least 6x processPayment’s timeout', () => {
    expect(checkVisibilityTimeouts(template, functions)).toEqual([]);
    expect(functions.get('processPayment')!.resource.Properties.Timeout).toBe(param('prod', 'paymentsTimeout'));
  });

  test('so does every deployed stage, by its params', () => {
    const broken = DEPLOYED_STAGES.filter((stage) => Number(param(stage, 'paymentsVisibilityTimeout')) < 6 * Number(param(stage, 'paymentsTimeout')));
    expect(broken).toEqual([]);
  });

  test('processPayment has the reserved concurrency that protects the payment gateway, and its poller stays within it', () => {
    const reserved = functions.get('processPayment')!.resource.Properties.ReservedConcurrentExecutions;
    expect(reserved).toBe(param('prod', 'paymentsReservedConcurrency'));
    const mapping = template.Resources.ProcessPaymentEventSourceMappingSQSPaymentsQueue;
    expect(mapping.Properties.ScalingConfig?.MaximumConcurrency).toBeLessThanOrEqual(reserved);
  });

  test('queues, topics, buckets, stream and table are encrypted; buckets block public access', () => {
    expect(checkEncryption(template)).toEqual([]);
  });

  test('the table has point-in-time recovery in prod', () => {
    expect(checkPointInTimeRecovery(template, true)).toEqual([]);
  });

  test("fulfilOrder runs on the bus's OrderConfirmed, its success record goes back to the bus and its failures to a queue", () => {
    const rule = Object.values(template.Resources).find(
      (r: any) => r.Type === 'AWS::Events::Rule' && r.Properties.Targets?.some((t: any) => target(t.Arn) === 'FulfilOrderLambdaFunction'),
    ) as any;
    expect(target(rule.Properties.EventBusName)).toBe(BUS);
    expect(rule.Properties.EventPattern).toEqual({ source: ['orderflow'], 'detail-type': ['OrderConfirmed'] });
    const config = Object.values(template.Resources).find(
      (r: any) => r.Type === 'AWS::Lambda::EventInvokeConfig' && target(r.Properties.FunctionName) === 'FulfilOrderLambdaFunction',
    )!.Properties;
    expect(target(config.DestinationConfig.OnSuccess.Destination)).toBe(BUS);
    expect(target(config.DestinationConfig.OnFailure.Destination)).toBe('FulfilOrderFailuresQueue');
    expect(config.MaximumRetryAttempts).toBe(param('prod', 'asyncRetryAttempts'));
    expect(config.MaximumEventAgeInSeconds).toBe(param('prod', 'asyncMaxEventAge'));
  });

  test("notifyCustomer's shipped rule matches fulfilOrder's success records only", () => {
    const rule = Object.values(template.Resources).find(
      (r: any) => r.Type === 'AWS::Events::Rule' && r.Properties.Targets?.some((t: any) => target(t.Arn) === 'NotifyCustomerLambdaFunction'),
    ) as any;
    expect(target(rule.Properties.EventBusName)).toBe(BUS);
    const { detail, ...envelope } = rule.Properties.EventPattern;
    expect(envelope).toEqual({ source: ['lambda'], 'detail-type': ['Lambda Function Invocation Result - Success'] });
    expect(detail.requestContext.functionArn).toEqual([{ prefix: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['FulfilOrderLambdaFunction', 'Arn'] }, ':']] } }]);
  });

  test('high-value OrderConfirmed events reach the review queue, which accepts messages from that rule alone', () => {
    const rule = template.Resources.HighValueOrderRule.Properties;
    expect(target(rule.EventBusName)).toBe(BUS);
    expect(rule.EventPattern.detail.totalCents).toEqual([{ numeric: ['>=', param('prod', 'highValueOrderCents')] }]);
    expect(typeof param('prod', 'highValueOrderCents')).toBe('number');
    expect(rule.Targets.map((t: any) => target(t.Arn))).toEqual(['HighValueReviewQueue']);
    const policy = template.Resources.HighValueReviewQueuePolicy.Properties;
    expect(policy.Queues.map(target)).toEqual(['HighValueReviewQueue']);
    expect(policy.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': ['HighValueReviewQueue', 'Arn'] },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['HighValueOrderRule', 'Arn'] } } },
      },
    ]);
  });

  test('pushOrderStatus posts to this stage of the WebSocket API, which the websocket routes make', () => {
    const endpoint = functions.get('pushOrderStatus')!.resource.Properties.Environment.Variables.WEBSOCKET_API_ENDPOINT;
    expect(describeResource(endpoint)).toBe('https://WebsocketsApi.execute-api.AWS::Region.amazonaws.com/prod');
    expect(template.Resources.WebsocketsApi.Properties).toMatchObject({ ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' });
    const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route')
      .filter(([, route]) => describeResource(route.Properties.ApiId) === 'WebsocketsApi')
      .map(([, route]) => route.Properties.RouteKey);
    expect(routes.sort()).toEqual(['$connect', '$default', '$disconnect', 'subscribe']);
    const stream = template.Resources.PushOrderStatusEventSourceMappingDynamodbOrdersTable.Properties;
    expect(stream).toMatchObject({ BisectBatchOnFunctionError: true, FunctionResponseTypes: ['ReportBatchItemFailures'], StartingPosition: 'LATEST' });
    expect(template.Resources.OrdersTable.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  test('the JWT secret is read from SSM at init, never carried by the template', () => {
    expect(checkNoJwtSecret(template, functions, [SHELL_SECRET, LOCAL_DEV_SECRET])).toEqual([]);
    expect(functions.get('authorize')!.resource.Properties.Environment.Variables.AUTH_JWT_SECRET_PARAMETER).toBe('/orderflow/prod/auth-jwt-secret');
  });
});

describe('the bundles of sls package --stage prod', () => {
  const handlerFile = (fn: LambdaFunction) => `${String(fn.resource.Properties.Handler).replace(/\.[^.]+$/, '')}.js`;
  /** What Lambda gives a function: its template variables, its role's credentials, no node_modules. */
  const lambdaEnv = (fn: LambdaFunction): Record<string, string> => ({
    PATH: process.env.PATH ?? '',
    NODE_NO_WARNINGS: '1',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'ASIAROLECREDENTIALS',
    AWS_SECRET_ACCESS_KEY: 'role-secret',
    AWS_SESSION_TOKEN: 'role-session',
    AWS_LAMBDA_FUNCTION_NAME: String(fn.resource.Properties.FunctionName),
    ...functionEnvironment(fn.resource),
  });
  const bundleOf = (fn: LambdaFunction) => path.join(prod.workDir, 'unzipped', fn.name, handlerFile(fn));
  const zipContents = new Map<string, string[]>();

  beforeAll(() => {
    for (const fn of functions.values()) {
      zipContents.set(fn.name, extractZip(path.join(prod.packageDir, `${fn.name}.zip`), path.join(prod.workDir, 'unzipped', fn.name)));
    }
  });

  // Fifteen fresh Node processes, each loading a bundle with the X-Ray SDK in it: seconds on a shared machine.
  test('each zip holds its bundle alone, which loads with no SDK beside it', async () => {
    for (const fn of functions.values()) expect({ name: fn.name, files: zipContents.get(fn.name) }).toEqual({ name: fn.name, files: [handlerFile(fn)] });
    const failed = [];
    for (const fn of functions.values()) {
      const run = await runBundle(bundleOf(fn), lambdaEnv(fn));
      if (run.code !== 0) failed.push({ name: fn.name, output: run.output });
    }
    expect(failed).toEqual([]);
  }, 120_000);

  test("credentials beyond the environment's come from the runtime's SDK, as the bundles leave those providers out", async () => {
    // A DynamoDB stand-in that records who signed: an empty GetItem answer makes getOrder say 404.
    const signers: string[] = [];
    const dynamodb = http.createServer((request, response) => {
      signers.push(/Credential=(\w+)\//.exec(request.headers.authorization ?? '')?.[1] ?? '(unsigned)');
      request.resume().on('end', () => response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}'));
    });
    await new Promise<void>((resolve) => dynamodb.listen(0, '127.0.0.1', resolve));
    const credentialsFile = path.join(prod.workDir, 'credentials');
    fs.writeFileSync(credentialsFile, '[probe]\naws_access_key_id = AKIAPROFILEPROBE\naws_secret_access_key = profile-secret\n');
    const fn = functions.get('getOrder')!;
    const { AWS_ACCESS_KEY_ID: _key, AWS_SECRET_ACCESS_KEY: _secret, AWS_SESSION_TOKEN: _token, ...withoutRoleCredentials } = lambdaEnv(fn);
    const env = {
      ...withoutRoleCredentials,
      AWS_PROFILE: 'probe',
      AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
      AWS_CONFIG_FILE: path.join(prod.workDir, 'no-config'),
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${(dynamodb.address() as AddressInfo).port}`,
    };
    const event = path.join(ROOT, 'events', 'getOrder.json');
    try {
      const withRuntime = await runBundle(bundleOf(fn), { ...env, NODE_PATH: runtimeNodeModules(prod.workDir) }, event);
      const withoutRuntime = await runBundle(bundleOf(fn), env, event);

      expect(withRuntime.result).toMatchObject({ statusCode: 404 });
      expect(new Set(signers)).toEqual(new Set(['AKIAPROFILEPROBE']));
      expect(withoutRuntime.result).toMatchObject({ statusCode: 500 });
      expect(withoutRuntime.output).toContain("Cannot find module '@aws-sdk/credential-provider-ini'");
    } finally {
      dynamodb.close();
    }
  });
});

/**
 * The checks themselves: each must fail when the property it guards is broken. They run on copies
 * of the packaged template, each with one thing broken the way a careless edit would break it.
 */
describe('the checks catch a broken template', () => {
  const broken = (breakIt: (t: Template) => void) => {
    const copy = structuredClone(template);
    breakIt(copy);
    return { template: copy, functions: lambdaFunctions(copy, 'orderflow-prod-') };
  };
  const statementsOf = (t: Template, role: string) => t.Resources[role].Properties.Policies[0].PolicyDocument.Statement;

  test('a function on the shared role', () => {
    const b = broken((t) => {
      t.Resources.HealthLambdaFunction.Properties.Role = { 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] };
      delete t.Resources.IamRoleLambdaExecution.Condition;
    });
    expect(checkOneRolePerFunction(b.template, b.functions)).toHaveLength(3);
  });

  test('a grant too many, and one missing', () => {
    const b = broken((t) => {
      statementsOf(t, 'GetOrderIamRoleLambdaExecution').push({ Effect: 'Allow', Action: ['dynamodb:DeleteItem'], Resource: { 'Fn::GetAtt': [TABLE, 'Arn'] } });
      statementsOf(t, 'CreateOrderIamRoleLambdaExecution')[2].Action = ['dynamodb:PutItem', 'dynamodb:GetItem'];
    });
    expect(checkGrants(b.template, b.functions, EXPECTED_GRANTS)).toEqual([
      'createOrder cannot dynamodb:BatchGetItem on OrdersTable, which its code does',
      'getOrder may dynamodb:DeleteItem on OrdersTable, which its code does not need',
    ]);
  });

  test("a wildcard action, and a '*' resource", () => {
    const b = broken((t) => {
      statementsOf(t, 'GetOrderIamRoleLambdaExecution').push({ Effect: 'Allow', Action: 'dynamodb:*', Resource: { 'Fn::GetAtt': [TABLE, 'Arn'] } });
      statementsOf(t, 'ListProductsIamRoleLambdaExecution').push({ Effect: 'Allow', Action: 'dynamodb:Query', Resource: '*' });
    });
    expect(checkNoWildcards(b.template, WILDCARD_RESOURCE_ACTIONS)).toHaveLength(2);
  });

  test('logs outside its own group, and a log group without retention', () => {
    const b = broken((t) => {
      statementsOf(t, 'HealthIamRoleLambdaExecution')[0].Resource = [{ 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*' }];
      delete t.Resources.GetOrderLogGroup.Properties.RetentionInDays;
    });
    expect(checkLogPermissions(b.template, b.functions)).toHaveLength(1);
    expect(checkLogGroups(b.template, b.functions, 90)).toHaveLength(1);
  });

  test('a new failures queue without an alarm or retention, and a DLQ whose alarm was removed', () => {
    const b = broken((t) => {
      t.Resources.ShipOrderFailuresQueue = {
        Type: 'AWS::SQS::Queue',
        Properties: { QueueName: 'orderflow-prod-ship-order-failures', SqsManagedSseEnabled: true },
      };
      delete t.Resources.PaymentsDeadLetterQueueAlarm;
    });
    expect(checkQueueAlarms(b.template)).toHaveLength(2);
    expect(checkDeadLetterRetention(b.template, FOURTEEN_DAYS)).toHaveLength(1);
  });

  test('an on-failure destination whose name does not say so is still found', () => {
    const b = broken((t) => {
      t.Resources.NotifyCustomerFailuresQueue.Properties.QueueName = 'orderflow-prod-notify-customer-leftovers';
      delete t.Resources.NotifyCustomerFailuresQueueAlarm;
    });
    expect(checkQueueAlarms(b.template)).toHaveLength(1);
  });

  test('a function without active tracing, an X-Ray grant on a role beside it, and the dead-lettered alarm removed', () => {
    const b = broken((t) => {
      delete t.Resources.HealthLambdaFunction.Properties.TracingConfig;
      statementsOf(t, 'GetOrderIamRoleLambdaExecution').push({ Effect: 'Allow', Action: ['xray:GetTraceSummaries'], Resource: '*' });
      delete t.Resources.DeadLetteredAlarm;
    });
    expect(checkActiveTracing(b.functions)).toEqual(['health has no active X-Ray tracing']);
    expect(checkNoWildcards(b.template, WILDCARD_RESOURCE_ACTIONS)).toEqual([
      'GetOrderIamRoleLambdaExecution allows xray:GetTraceSummaries on every resource (*)',
    ]);
    expect(checkMetricAlarms(b.template, 'orderflow', { service: 'orderflow' }, ['DeadLettered'])).toEqual(['no alarm on orderflow/DeadLettered > 0']);
  });

  test('a function without an errors alarm', () => {
    const b = broken((t) => delete t.Resources.CreateOrderErrorsAlarm);
    expect(checkFunctionErrorAlarms(b.template, b.functions)).toEqual(['createOrder has no alarm on its Errors']);
  });

  test('an alarm topic on the AWS managed key, and an unconditional e-mail subscription', () => {
    const b = broken((t) => {
      t.Resources.AlarmTopic.Properties.KmsMasterKeyId = 'alias/aws/sns';
      delete t.Resources.AlarmEmailSubscription.Condition;
    });
    expect(checkAlarmTopic(b.template, 'AlarmTopic')).toHaveLength(2);
  });

  test('a visibility timeout below 6x the consumer timeout', () => {
    const b = broken((t) => (t.Resources.ProcessPaymentLambdaFunction.Properties.Timeout = 30));
    expect(checkVisibilityTimeouts(b.template, b.functions)).toHaveLength(1);
  });

  test('an unencrypted queue, topic, stream and table, and a bucket open to the public', () => {
    const b = broken((t) => {
      delete t.Resources.PaymentsQueue.Properties.SqsManagedSseEnabled;
      delete t.Resources.OrderEventsTopic.Properties.KmsMasterKeyId;
      delete t.Resources.ActivityStream.Properties.StreamEncryption;
      delete t.Resources.OrdersTable.Properties.SSESpecification;
      delete t.Resources.ServerlessDeploymentBucket.Properties.PublicAccessBlockConfiguration;
    });
    expect(checkEncryption(b.template)).toHaveLength(5);
  });

  test('point-in-time recovery off', () => {
    const b = broken((t) => (t.Resources.OrdersTable.Properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled = false));
    expect(checkPointInTimeRecovery(b.template, true)).toHaveLength(1);
  });

  test('a secret in an environment variable', () => {
    const b = broken((t) => (t.Resources.AuthorizeLambdaFunction.Properties.Environment.Variables.AUTH_JWT_SECRET = SHELL_SECRET));
    expect(checkNoJwtSecret(b.template, b.functions, [SHELL_SECRET])).toHaveLength(2);
  });
});
