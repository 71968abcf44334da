/**
 * What an EventBridge target receives: the event itself, or what the target's Input, InputPath or
 * InputTransformer makes of it (as AWS documents "Transforming target input").
 */
export type InputTransformer = { InputPathsMap?: Record<string, string>; InputTemplate: string };
export type TargetInput = { Input?: string; InputPath?: string; InputTransformer?: InputTransformer };
export type RuleContext = { ruleArn: string; ruleName: string; ingestionTime: string };

const PREDEFINED = ['aws.events.rule-arn', 'aws.events.rule-name', 'aws.events.event.ingestion-time', 'aws.events.event', 'aws.events.event.json'];

/** The text delivered to the target for one matched event. */
export function targetPayload(target: TargetInput, event: Record<string, unknown>, rule: RuleContext): string {
  if (target.Input !== undefined) return target.Input;
  if (target.InputPath !== undefined) return JSON.stringify(jsonPath(event, target.InputPath) ?? null);
  if (target.InputTransformer) return renderTemplate(target.InputTransformer, event, rule);
  return JSON.stringify(event);
}

/** [] when the target's input settings are valid; otherwise reasons naming the field. */
export function targetInputErrors(target: TargetInput): string[] {
  const errors: string[] = [];
  const forms = [target.Input, target.InputPath, target.InputTransformer].filter((v) => v !== undefined);
  if (forms.length > 1) errors.push('Only one of Input, InputPath, or InputTransformer can be provided.');
  if (target.Input !== undefined) {
    try {
      JSON.parse(target.Input);
    } catch {
      errors.push('Input is not valid JSON text.');
    }
  }
  if (target.InputPath !== undefined && !isJsonPath(target.InputPath)) errors.push(`InputPath ${target.InputPath} is not a valid JSON path.`);
  if (target.InputTransformer) {
    if (typeof target.InputTransformer.InputTemplate !== 'string') errors.push('InputTransformer.InputTemplate is required.');
    for (const [name, path] of Object.entries(target.InputTransformer.InputPathsMap ?? {})) {
      if (PREDEFINED.includes(name)) errors.push(`InputTransformer.InputPathsMap: ${name} is a reserved variable name.`);
      if (!isJsonPath(path)) errors.push(`InputTransformer.InputPathsMap.${name}: ${path} is not a valid JSON path.`);
    }
  }
  return errors;
}

const SEGMENT = /^(?:\.([A-Za-z0-9_\-/]+|\*)|\[(\d+|\*)\]|\['([^']+)'\])/;

function isJsonPath(path: string): boolean {
  if (!path.startsWith('$')) return false;
  let rest = path.slice(1);
  while (rest.length > 0) {
    const step = SEGMENT.exec(rest);
    if (!step) return false;
    rest = rest.slice(step[0].length);
  }
  return true;
}

/**
 * The value at a JSON path of the subset EventBridge supports (dot notation, array indices,
 * wildcards): undefined when nothing is there; with a wildcard, the list of what matched.
 */
export function jsonPath(root: unknown, path: string): unknown {
  let current: unknown[] = [root];
  let wildcard = false;
  let rest = path.slice(1);
  while (rest.length > 0) {
    const step = SEGMENT.exec(rest);
    if (!step) return undefined;
    rest = rest.slice(step[0].length);
    const key = step[1] ?? step[2] ?? step[3];
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || typeof value !== 'object') continue;
      if (key === '*') {
        wildcard = true;
        next.push(...Object.values(value as object));
      } else if (key in (value as object)) {
        next.push((value as Record<string, unknown>)[key]);
      }
    }
    current = next;
  }
  return wildcard ? current : current[0];
}

/**
 * Fills `<variable>` placeholders. A template between curly braces (or brackets) is JSON: a
 * placeholder outside quotes becomes the value as JSON (null when missing), one inside a JSON string
 * becomes the value's text, escaped. Any other template is text, and values go in as text.
 */
function renderTemplate(transformer: InputTransformer, event: Record<string, unknown>, rule: RuleContext): string {
  const template = transformer.InputTemplate;
  const values = new Map<string, unknown>();
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) values.set(name, jsonPath(event, path));
  const { detail: _detail, ...withoutDetail } = event;
  values.set('aws.events.rule-arn', rule.ruleArn);
  values.set('aws.events.rule-name', rule.ruleName);
  values.set('aws.events.event.ingestion-time', rule.ingestionTime);
  values.set('aws.events.event', withoutDetail);
  values.set('aws.events.event.json', event);

  const json = /^\s*[{[]/.test(template);
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const char = template[i];
    if (json && char === '"' && !escaped(template, i)) inString = !inString;
    const placeholder = char === '<' ? /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i)) : null;
    if (!placeholder || !values.has(placeholder[1])) {
      out += char;
      continue;
    }
    const value = values.get(placeholder[1]);
    if (!json) out += value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    else if (inString) out += value === undefined ? '' : JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value)).slice(1, -1);
    else out += value === undefined ? 'null' : JSON.stringify(value);
    i += placeholder[0].length - 1;
  }
  return out;
}

/** Whether the character at `i` is escaped by an odd number of backslashes. */
function escaped(text: string, i: number): boolean {
  let slashes = 0;
  for (let j = i - 1; j >= 0 && text[j] === '\\'; j--) slashes++;
  return slashes % 2 === 1;
}
