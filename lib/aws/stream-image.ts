/**
 * An attribute value as a DynamoDB stream record carries it to Lambda (JSON: numbers as strings,
 * binaries as base64).
 */
export type StreamAttribute = {
  S?: string;
  N?: string;
  B?: string;
  BOOL?: boolean;
  NULL?: boolean;
  SS?: string[];
  NS?: string[];
  BS?: string[];
  L?: StreamAttribute[];
  M?: Record<string, StreamAttribute>;
};

export type StreamImage = Record<string, StreamAttribute>;

/** A stream record's NewImage or OldImage as the plain item the DocumentClient would have read. */
export function fromStreamImage(image: StreamImage): Record<string, unknown> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, fromAttribute(value)]));
}

function fromAttribute(value: StreamAttribute): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return fromStreamImage(value.M);
  if (value.L !== undefined) return value.L.map(fromAttribute);
  if (value.B !== undefined) return Buffer.from(value.B, 'base64');
  if (value.SS !== undefined) return new Set(value.SS);
  if (value.NS !== undefined) return new Set(value.NS.map(Number));
  if (value.BS !== undefined) return new Set(value.BS.map((b) => Buffer.from(b, 'base64')));
  throw new Error(`Unknown attribute value in a stream image: ${JSON.stringify(value)}`);
}
