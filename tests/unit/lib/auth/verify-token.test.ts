import { SignJWT } from 'jose';
import { mintToken } from '../../../../lib/auth/mint-token';
import { customerFromAuthorization } from '../../../../lib/auth/verify-token';
import { fixture, SAMPLE } from '../../../support/events';

const SECRET = 'test-secret';
const key = (secret: string) => new TextEncoder().encode(secret);
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

describe('mintToken', () => {
  it('signs an HS256 JWT for the customer that expires after the given time', async () => {
    const token = await mintToken('customer-1', SECRET, 600);

    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload.sub).toBe('customer-1');
    expect(payload.exp - payload.iat).toBe(600);
    expect(Math.abs(payload.iat - now())).toBeLessThanOrEqual(2);
  });
});

describe('customerFromAuthorization', () => {
  it('returns the customer of a valid bearer token', async () => {
    const token = await mintToken('customer-1', SECRET);

    await expect(customerFromAuthorization(`Bearer ${token}`, key(SECRET))).resolves.toBe('customer-1');
  });

  it('takes the scheme in any case', async () => {
    const token = await mintToken('customer-1', SECRET);

    await expect(customerFromAuthorization(`bearer ${token}`, key(SECRET))).resolves.toBe('customer-1');
  });

  it('accepts the sample event token with the local stage default secret', async () => {
    const event = fixture<{ headers: { authorization: string } }>('authorize');

    await expect(customerFromAuthorization(event.headers.authorization, key(SAMPLE.localJwtSecret))).resolves.toBe(SAMPLE.customerId);
  });

  it('refuses an expired token', async () => {
    const token = await mintToken('customer-1', SECRET, -10);

    await expect(customerFromAuthorization(`Bearer ${token}`, key(SECRET))).resolves.toBeUndefined();
  });

  it('refuses the expired sample event token', async () => {
    const event = fixture<{ headers: { authorization: string } }>('authorize.expired');

    await expect(customerFromAuthorization(event.headers.authorization, key(SAMPLE.localJwtSecret))).resolves.toBeUndefined();
  });

  it('refuses a token signed with another secret', async () => {
    const token = await mintToken('customer-1', 'another-secret');

    await expect(customerFromAuthorization(`Bearer ${token}`, key(SECRET))).resolves.toBeUndefined();
  });

  it('refuses an unsigned token (alg none)', async () => {
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'customer-1', exp: now() + 3600 })}.`;

    await expect(customerFromAuthorization(`Bearer ${token}`, key(SECRET))).resolves.toBeUndefined();
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [header, , signature] = (await mintToken('customer-1', SECRET)).split('.');
    const forged = `${header}.${base64url({ sub: 'customer-2', exp: now() + 3600 })}.${signature}`;

    await expect(customerFromAuthorization(`Bearer ${forged}`, key(SECRET))).resolves.toBeUndefined();
  });

  it('refuses another algorithm even with the right secret (HS512)', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('customer-1')
      .setExpirationTime(now() + 3600)
      .sign(key(SECRET));

    await expect(customerFromAuthorization(`Bearer ${token}`, key(SECRET))).resolves.toBeUndefined();
  });

  it('refuses a token without an expiry', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('customer-1').sign(key(SECRET));

    await expect(customerFromAuthorization(`Bearer ${token}`, key(SECRET))).resolves.toBeUndefined();
  });

  it.each([
    ['no subject', new SignJWT({})],
    ['an empty subject', new SignJWT({}).setSubject('')],
  ])('refuses a token with %s', async (_label, jwt) => {
    const token = await jwt
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(now() + 3600)
      .sign(key(SECRET));

    await expect(customerFromAuthorization(`Bearer ${token}`, key(SECRET))).resolves.toBeUndefined();
  });

  it('refuses a token that is not valid yet', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('customer-1')
      .setNotBefore(now() + 3600)
      .setExpirationTime(now() + 7200)
      .sign(key(SECRET));

    await expect(customerFromAuthorization(`Bearer ${token}`, key(SECRET))).resolves.toBeUndefined();
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['a token without the Bearer scheme', 'TOKEN'],
    ['another scheme', 'Basic Y3VzdG9tZXI6cGFzc3dvcmQ='],
    ['Bearer alone', 'Bearer'],
    ['Bearer and a space', 'Bearer '],
    ['two tokens', 'Bearer a.b.c d.e.f'],
    ['garbage', 'Bearer not.a.jwt'],
    ['random text', 'Bearer %%%%'],
    ['a JSON object', 'Bearer {"sub":"customer-1"}'],
  ])('refuses %s, without throwing', async (_label, header) => {
    await expect(customerFromAuthorization(header, key(SECRET))).resolves.toBeUndefined();
  });

  it('refuses a raw token sent without its scheme', async () => {
    const token = await mintToken('customer-1', SECRET);

    await expect(customerFromAuthorization(token, key(SECRET))).resolves.toBeUndefined();
  });
});
