// What a debugger does with a bundle's source map to set a breakpoint on a line of its TypeScript:
// find where that line's code landed in the bundle. Only what the debug test needs (inline maps).

type SourceMap = { sources: string[]; mappings: string };

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The source map a bundle carries inline (`//# sourceMappingURL=data:...;base64,...`). */
export function inlineSourceMap(bundle: string): SourceMap {
  const match = /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/.exec(bundle);
  if (!match) throw new Error('The bundle carries no inline source map');
  return JSON.parse(Buffer.from(match[1], 'base64').toString('utf8')) as SourceMap;
}

/** Base64 VLQ values of one segment. */
function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

/** The first bundle position (0-based line and column) mapped from `line` (0-based) of the source whose path ends with `sourceSuffix`. */
export function generatedPosition(map: SourceMap, sourceSuffix: string, line: number): { lineNumber: number; columnNumber: number } {
  const source = map.sources.findIndex((s) => s.replace(/\\/g, '/').endsWith(sourceSuffix));
  if (source === -1) throw new Error(`${sourceSuffix} is not among the bundle's sources`);
  let [sourceIndex, originalLine] = [0, 0];
  const lines = map.mappings.split(';');
  for (let generatedLine = 0; generatedLine < lines.length; generatedLine++) {
    let generatedColumn = 0;
    for (const segment of lines[generatedLine].split(',').filter(Boolean)) {
      const [column, sourceDelta, lineDelta] = decodeSegment(segment);
      generatedColumn += column;
      if (sourceDelta === undefined) continue;
      sourceIndex += sourceDelta;
      originalLine += lineDelta;
      if (sourceIndex === source && originalLine === line) return { lineNumber: generatedLine, columnNumber: generatedColumn };
    }
  }
  throw new Error(`No code of ${sourceSuffix} line ${line + 1} is in the bundle`);
}
