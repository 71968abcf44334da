import { mintToken } from '../../../../lib/auth/mint-token';
import { customerFromToken } from '../../../../lib/auth/verify-token';
import { admitConnection } from '../../../../lib/push/connect';

const SECRET = 'connect-test-secret';
const secret = new TextEncoder().encode(SECRET);
const now = () => new Date('2026-11-22T10:00:00.000Z');

function deps() {
  const saveConnection = jest.fn().mockResolvedValue(undefined);
  return { saveConnection, deps: { store: { saveConnection }, customerOf: (token: string) => customerFromToken(token, secret), now } };
}

describe('admitConnection', () => {
  it('admits a good token and records the connection with its customer', async () => {
    const { saveConnection, deps: d } = deps();

    expect(await admitConnection(d, 'conn-1', await mintToken('alice', SECRET))).toBe(200);
    expect(saveConnection).toHaveBeenCalledWith('conn-1', 'alice', now());
  });

  it('refuses a connection without a token with 401, as the HTTP API answers', async () => {
    const { saveConnection, deps: d } = deps();

    expect(await admitConnection(d, 'conn-2', undefined)).toBe(401);
    expect(await admitConnection(d, 'conn-2', '')).toBe(401);
    expect(saveConnection).not.toHaveBeenCalled();
  });

  it.each([
    ['malformed', async () => 'not-a-jwt'],
    ['signed with another secret', () => mintToken('alice', 'another-secret')],
    ['expired', () => mintToken('alice', SECRET, -60)],
  ])('refuses a %s token with 403', async (_case, token) => {
    const { saveConnection, deps: d } = deps();

    expect(await admitConnection(d, 'conn-3', await token())).toBe(403);
    expect(saveConnection).not.toHaveBeenCalled();
  });
});
