import { NotFoundError } from '../../../../lib/errors';
import { idFromPath } from '../../../../lib/http/path-id';

describe('idFromPath', () => {
  it.each(['3f1c9a52-7e4b-4c8d-a1f6-0b2d4e6f8a10', '3F1C9A52-7E4B-4C8D-A1F6-0B2D4E6F8A10'])('returns the UUID %s as it is', (id) => {
    expect(idFromPath(id, 'Order')).toBe(id);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['over 2 KB', 'a'.repeat(2049)],
    ['one character short', '3f1c9a52-7e4b-4c8d-a1f6-0b2d4e6f8a1'],
    ['one character long', '3f1c9a52-7e4b-4c8d-a1f6-0b2d4e6f8a100'],
    ['not hexadecimal', '3f1c9a52-7e4b-4c8d-a1f6-0b2d4e6f8azz'],
    ['carrying a line break', '3f1c9a52-7e4b-4c8d-a1f6-0b2d4e6f8a10\n'],
  ])('answers 404 NOT_FOUND naming the resource for an id %s', (_label, id) => {
    expect(() => idFromPath(id, 'Import')).toThrow(new NotFoundError('Import'));
  });
});
