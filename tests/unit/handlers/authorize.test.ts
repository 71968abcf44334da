import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../handlers/authorize';
import { mintToken } from '../../../lib/auth/mint-token';
import { fixture, SAMPLE } from '../../support/events';
import { lambdaContext } from '../../support/lambda-context';

const context = lambdaContext('authorize');
const TEST_SECRET = process.env.AUTH_JWT_SECRET as string;

function withAuthorization(header: string | undefined, name = 'authorize'): APIGatewayRequestAuthorizerEventV2 {
  const event = fixture<APIGatewayRequestAuthorizerEventV2>(name);
  if (header === undefined) {
    delete event.headers?.authorization;
    event.identitySource = [];
  } else {
    event.headers = { ...event.headers, authorization: header };
    event.identitySource = [header];
  }
  return event;
}

const authorize = (event: APIGatewayRequestAuthorizerEventV2) => handler(event, context);
const DENIED = { isAuthorized: false, context: { customerId: '' } };

describe('authorize', () => {
  it('authorizes a valid bearer token and passes its customer on', async () => {
    const token = await mintToken(SAMPLE.customerId, TEST_SECRET);

    await expect(authorize(withAuthorization(`Bearer ${token}`))).resolves.toEqual({ isAuthorized: true, context: { customerId: SAMPLE.customerId } });
  });

  it("refuses the sample event's token, which the local stage's secret signed, under another stage's secret", async () => {
    await expect(authorize(fixture('authorize'))).resolves.toEqual(DENIED);
  });

  it('refuses an expired token', async () => {
    await expect(authorize(fixture('authorize.expired'))).resolves.toEqual(DENIED);
    const token = await mintToken(SAMPLE.customerId, TEST_SECRET, -1);
    await expect(authorize(withAuthorization(`Bearer ${token}`))).resolves.toEqual(DENIED);
  });

  it('refuses a malformed token', async () => {
    await expect(authorize(fixture('authorize.malformed'))).resolves.toEqual(DENIED);
  });

  it('refuses a token signed with another secret', async () => {
    const token = await mintToken(SAMPLE.customerId, 'not-the-stage-secret');

    await expect(authorize(withAuthorization(`Bearer ${token}`))).resolves.toEqual(DENIED);
  });

  it.each([
    ['no Authorization header', undefined],
    ['an empty header', ''],
    ['a token without the Bearer scheme', 'eyJhbGciOiJIUzI1NiJ9.e30.x'],
    ['Basic credentials', 'Basic Y3VzdG9tZXI6cGFzc3dvcmQ='],
    [
      'an unsigned token',
      `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"sub":"x","exp":${2 ** 31}}`).toString('base64url')}.`,
    ],
  ])('refuses %s, without throwing', async (_label, header) => {
    await expect(authorize(withAuthorization(header))).resolves.toEqual(DENIED);
  });

  it('refuses an event without headers at all', async () => {
    const event = fixture<APIGatewayRequestAuthorizerEventV2>('authorize');
    delete event.headers;

    await expect(authorize(event)).resolves.toEqual(DENIED);
  });
});

describe('authorize on a deployed stage (secret in SSM)', () => {
  const saved = { ...process.env };

  beforeEach(() => {
    delete process.env.AUTH_JWT_SECRET;
    process.env.AUTH_JWT_SECRET_PARAMETER = '/orderflow/dev/auth-jwt-secret';
    // Should a call ever escape the stub, it meets a closed local port rather than AWS.
    process.env.AWS_ENDPOINT_URL_SSM = 'http://127.0.0.1:9';
  });
  afterAll(() => {
    process.env = saved;
  });

  type SsmModule = typeof import('@aws-sdk/client-ssm');
  type SsmStub = ReturnType<typeof mockClient>;

  /**
   * The handler as a fresh container loads it (its secret is read once per container). SSM is stubbed
   * inside the isolated registry: its client and command classes are not the ones imported above.
   */
  async function coldStart(stub: (ssm: SsmStub, sdk: SsmModule) => void) {
    let loaded: { handler: typeof handler; ssm: SsmStub; sdk: SsmModule } | undefined;
    await jest.isolateModulesAsync(async () => {
      const sdk = await import('@aws-sdk/client-ssm');
      const ssm = mockClient(sdk.SSMClient) as unknown as SsmStub;
      stub(ssm, sdk);
      loaded = { handler: (await import('../../../handlers/authorize')).handler, ssm, sdk };
    });
    return loaded!;
  }

  it('reads the secret from SSM, decrypted, once per container', async () => {
    const cold = await coldStart((ssm, sdk) =>
      ssm.on(sdk.GetParameterCommand).resolves({ Parameter: { Name: '/orderflow/dev/auth-jwt-secret', Value: 'dev-secret' } } as never),
    );
    const token = await mintToken('customer-dev', 'dev-secret');

    const first = await cold.handler(withAuthorization(`Bearer ${token}`), context);
    const second = await cold.handler(withAuthorization(`Bearer ${token}`), context);

    expect(first).toEqual({ isAuthorized: true, context: { customerId: 'customer-dev' } });
    expect(second).toEqual(first);
    expect(cold.ssm.commandCalls(cold.sdk.GetParameterCommand).map((call) => call.args[0].input)).toEqual([
      { Name: '/orderflow/dev/auth-jwt-secret', WithDecryption: true },
    ]);
    cold.ssm.restore();
  });

  it('answers no (never throws) while SSM fails, and asks SSM again on the next request', async () => {
    const cold = await coldStart((ssm, sdk) =>
      ssm
        .on(sdk.GetParameterCommand)
        .rejectsOnce(new Error('AccessDeniedException'))
        .resolves({ Parameter: { Value: 'dev-secret' } } as never),
    );
    const token = await mintToken('customer-dev', 'dev-secret');

    const during = await cold.handler(withAuthorization(`Bearer ${token}`), context);
    const after = await cold.handler(withAuthorization(`Bearer ${token}`), context);

    expect(during).toEqual(DENIED);
    expect(after).toEqual({ isAuthorized: true, context: { customerId: 'customer-dev' } });
    expect(cold.ssm.commandCalls(cold.sdk.GetParameterCommand)).toHaveLength(2);
    cold.ssm.restore();
  });
});
