import { jwtVerify } from 'jose';

/** The customer a bearer token speaks for, or undefined when the token is not good. Never throws. */
export async function customerFromAuthorization(header: string | undefined, secret: Uint8Array): Promise<string | undefined> {
  const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
  return token ? customerFromToken(token, secret) : undefined;
}

/** The customer a JWT (HS256, `sub` and `exp` required) speaks for, or undefined when it is not good. Never throws. */
export async function customerFromToken(token: string, secret: Uint8Array): Promise<string | undefined> {
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] });
    return typeof payload.sub === 'string' && payload.sub.length > 0 ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}
