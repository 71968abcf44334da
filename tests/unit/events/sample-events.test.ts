import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const EVENTS = join(ROOT, 'events');

/** Function names under `functions:` in serverless.yml (its two-space indented keys). */
function functionNames(): string[] {
  const yml = readFileSync(join(ROOT, 'serverless.yml'), 'utf8');
  const rest = yml.slice(yml.indexOf('\nfunctions:\n') + '\nfunctions:\n'.length);
  const nextTopLevelKey = rest.search(/^[^\s#]/m);
  const section = nextTopLevelKey >= 0 ? rest.slice(0, nextTopLevelKey) : rest;
  return [...section.matchAll(/^ {2}([A-Za-z0-9]+):\s*$/gm)].map((match) => match[1]);
}

const files = readdirSync(EVENTS).filter((file) => file.endsWith('.json'));

describe('events/', () => {
  it('holds a sample event for every function of serverless.yml', () => {
    const names = functionNames();

    expect(names).toHaveLength(21);
    expect(names.filter((name) => !files.includes(`${name}.json`))).toEqual([]);
  });

  it('holds only events of functions that exist (variants named <function>.<case>.json)', () => {
    const names = new Set(functionNames());

    expect(files.map((file) => file.split('.')[0]).filter((name) => !names.has(name))).toEqual([]);
  });

  it.each(files)('%s names only stage local resources in us-east-1 and account 000000000000', (file) => {
    const text = readFileSync(join(EVENTS, file), 'utf8');

    expect(() => JSON.parse(text)).not.toThrow();
    for (const arn of text.match(/arn:aws:[a-z0-9-]+:[^"\s]*/g) ?? []) {
      expect(arn).toMatch(/^arn:aws:[a-z0-9-]+:(us-east-1)?:(000000000000)?:/);
      expect(arn).toContain('orderflow-local');
    }
    expect(text).not.toMatch(/orderflow-(dev|staging|prod|test)\b/);
  });
});
