import { correlationIdFrom } from '../../../../lib/http/correlation';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('correlationIdFrom', () => {
  it.each(['b7e4c2a9-5d3f-4e1b-8a6c-2f9d0e1b3c40', 'req.42:retry_1', 'a', 'x'.repeat(128)])('keeps a sane caller id %p', (id) => {
    expect(correlationIdFrom({ 'x-correlation-id': id }, 'fallback')).toBe(id);
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['with spaces', 'a b'],
    ['with a newline (log injection)', 'id\n{"level":"ERROR"}'],
    ['with quotes', '"id"'],
    ['empty', ''],
  ])('replaces a caller id that is %s with the fallback', (_label, id) => {
    expect(correlationIdFrom({ 'x-correlation-id': id }, 'request-1')).toBe('request-1');
  });

  it('uses the fallback when the header is missing', () => {
    expect(correlationIdFrom({ accept: '*/*' }, 'request-1')).toBe('request-1');
  });

  it('mints a new UUID when there is neither header nor fallback', () => {
    const first = correlationIdFrom(undefined);
    const second = correlationIdFrom({});

    expect(first).toMatch(UUID);
    expect(second).toMatch(UUID);
    expect(first).not.toBe(second);
  });
});
