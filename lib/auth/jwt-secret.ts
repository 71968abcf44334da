import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ssm } from '../aws/ssm';

/**
 * The HS256 secret: AUTH_JWT_SECRET when set (the local stage), otherwise the SecureString named by
 * AUTH_JWT_SECRET_PARAMETER, read once per container from SSM Parameter Store.
 */
export async function loadJwtSecret(env: NodeJS.ProcessEnv = process.env, client: SSMClient = ssm): Promise<Uint8Array> {
  if (env.AUTH_JWT_SECRET) return new TextEncoder().encode(env.AUTH_JWT_SECRET);
  const name = env.AUTH_JWT_SECRET_PARAMETER;
  if (!name) throw new Error('Set AUTH_JWT_SECRET or AUTH_JWT_SECRET_PARAMETER');
  const { Parameter } = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  if (!Parameter?.Value) throw new Error(`SSM parameter ${name} is empty`);
  return new TextEncoder().encode(Parameter.Value);
}

/** The secret, loaded once per container; a failed load is retried on the next call rather than cached. */
export function jwtSecretOnce(load: () => Promise<Uint8Array> = () => loadJwtSecret()): () => Promise<Uint8Array> {
  let secret: Promise<Uint8Array> | undefined;
  return () =>
    (secret ??= load().catch((error: unknown) => {
      secret = undefined;
      throw error;
    }));
}
