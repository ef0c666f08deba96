/** DynamoDB bills one write unit per started 1 KB of the item written (on-demand and provisioned alike). */
export const WRITE_UNIT_BYTES = 1024;

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** A number's stored size: about one byte per two significant digits, plus one. */
function numberBytes(value: number): number {
  const digits = String(Math.abs(value))
    .replace(/e[+-]?\d+$/i, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return utf8Bytes(value);
  if (typeof value === 'number') return numberBytes(value);
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  // A list or a map: 3 bytes, plus 1 per element (and a map entry's name).
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, element) => sum + 1 + valueBytes(element), 0);
  if (typeof value === 'object') {
    return (
      3 +
      Object.entries(value).reduce(
        (sum, [name, element]) => sum + (element === undefined ? 0 : 1 + utf8Bytes(name) + valueBytes(element)),
        0,
      )
    );
  }
  return 0;
}

/**
 * An item's size as DynamoDB counts it (attribute names plus values, in the
 * document client's plain form), after the sizing rules of the DynamoDB
 * developer guide: what decides its write units.
 */
export function dynamoItemBytes(item: Readonly<Record<string, unknown>>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) if (value !== undefined) bytes += utf8Bytes(name) + valueBytes(value);
  return bytes;
}

/** Write units of one put of the item. */
export const writeUnits = (item: Readonly<Record<string, unknown>>): number =>
  Math.max(1, Math.ceil(dynamoItemBytes(item) / WRITE_UNIT_BYTES));
