import { mockClient } from 'aws-sdk-client-mock';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { loadJwtSecret } from '../../../../lib/auth/jwt-secret';
import { ssm as sharedClient } from '../../../../lib/aws/ssm';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('loadJwtSecret', () => {
  const ssm = mockClient(SSMClient);
  beforeEach(() => ssm.reset());
  afterAll(() => ssm.restore());

  it('takes AUTH_JWT_SECRET when it is set, without calling SSM', async () => {
    const secret = await loadJwtSecret({ AUTH_JWT_SECRET: 'local-secret', AUTH_JWT_SECRET_PARAMETER: '/orderflow/dev/auth-jwt-secret' });

    expect(text(secret)).toBe('local-secret');
    expect(ssm.calls()).toHaveLength(0);
  });

  it('reads the SecureString named by AUTH_JWT_SECRET_PARAMETER, decrypted', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/orderflow/dev/auth-jwt-secret', Value: 'from-ssm' } });

    const secret = await loadJwtSecret({ AUTH_JWT_SECRET: '', AUTH_JWT_SECRET_PARAMETER: '/orderflow/dev/auth-jwt-secret' });

    expect(text(secret)).toBe('from-ssm');
    expect(ssm.commandCalls(GetParameterCommand)[0].args[0].input).toEqual({ Name: '/orderflow/dev/auth-jwt-secret', WithDecryption: true });
  });

  it("reads through the service's one SSM client, created once at module scope", async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/orderflow/dev/auth-jwt-secret', Value: 'from-ssm' } });
    const env = { AUTH_JWT_SECRET_PARAMETER: '/orderflow/dev/auth-jwt-secret' };

    await loadJwtSecret(env);
    await loadJwtSecret(env);

    expect(ssm.calls().map((call) => call.thisValue)).toEqual([sharedClient, sharedClient]);
  });

  it('fails clearly when neither variable is set', async () => {
    await expect(loadJwtSecret({})).rejects.toThrow('Set AUTH_JWT_SECRET or AUTH_JWT_SECRET_PARAMETER');
  });

  it('fails clearly when the parameter is empty', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/orderflow/dev/auth-jwt-secret' } });

    await expect(loadJwtSecret({ AUTH_JWT_SECRET_PARAMETER: '/orderflow/dev/auth-jwt-secret' })).rejects.toThrow(
      'SSM parameter /orderflow/dev/auth-jwt-secret is empty',
    );
  });
});
