import { jsonPath, targetInputErrors, targetPayload, type TargetInput } from '../../../../offline/cloud/emulators/eventbridge-input';

const EVENT = {
  version: '0',
  id: 'e-1',
  'detail-type': 'OrderPlaced',
  source: 'shop',
  detail: { note: 'say "hi"', n: 3, tags: ['a', 'b'], nested: { k: 'v' } },
};
const RULE = { ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/r', ruleName: 'r', ingestionTime: '2026-01-01T00:00:00.000Z' };
const transform = (InputTemplate: string, InputPathsMap: Record<string, string> = {}): TargetInput => ({ InputTransformer: { InputPathsMap, InputTemplate } });

describe('targetPayload', () => {
  it.each<[string, TargetInput, string]>([
    ['the event itself without input settings', {}, JSON.stringify(EVENT)],
    ['a string value inside a JSON string, its quotes escaped', transform('{"m": "<note>"}', { note: '$.detail.note' }), '{"m": "say \\"hi\\""}'],
    ['an object inside a JSON string, as escaped JSON text', transform('{"m": "<o>"}', { o: '$.detail.nested' }), '{"m": "{\\"k\\":\\"v\\"}"}'],
    ['an array outside quotes, as JSON', transform('{"t": <t>}', { t: '$.detail.tags' }), '{"t": ["a","b"]}'],
    ['a missing value in a text template, as nothing', transform('n=<missing>;', { missing: '$.detail.none' }), 'n=;'],
    ['a key with a dash', transform('<t>', { t: '$.detail-type' }), 'OrderPlaced'],
    ['an unknown placeholder, left as it is', transform('<nope> <n>', { n: '$.detail.n' }), '<nope> 3'],
    [
      'the ingestion time and the full event',
      transform('{"at": <aws.events.event.ingestion-time>, "all": <aws.events.event.json>}'),
      `{"at": "${RULE.ingestionTime}", "all": ${JSON.stringify(EVENT)}}`,
    ],
  ])('delivers %s', (_, target, expected) => {
    expect(targetPayload(target, EVENT, RULE)).toBe(expected);
  });

  it('reads JSON paths of the supported subset, undefined when nothing is there', () => {
    expect(jsonPath(EVENT, '$')).toBe(EVENT);
    expect(jsonPath(EVENT, '$.detail.tags[1]')).toBe('b');
    expect(jsonPath(EVENT, "$.detail['nested'].k")).toBe('v');
    expect(jsonPath(EVENT, '$.detail.tags[*]')).toEqual(['a', 'b']);
    expect(jsonPath(EVENT, '$.detail.none.deeper')).toBeUndefined();
  });

  it.each<[string, TargetInput, string]>([
    ['two input forms', { Input: '{}', InputPath: '$' }, 'Only one of Input, InputPath, or InputTransformer can be provided.'],
    ['Input that is not JSON', { Input: 'text' }, 'Input is not valid JSON text.'],
    ['an InputPath that is not a path', { InputPath: 'detail' }, 'InputPath detail is not a valid JSON path.'],
    [
      'a reserved variable name',
      transform('<aws.events.rule-arn>', { 'aws.events.rule-arn': '$.id' }),
      'InputTransformer.InputPathsMap: aws.events.rule-arn is a reserved variable name.',
    ],
  ])('refuses %s', (_, target, message) => {
    expect(targetInputErrors(target)).toContain(message);
  });
});
