/** One CSV record's fields (RFC 4180 quoting; one physical line per record). */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

/** One field, quoted when it would break the row. Addresses and codes go out exactly as they are. */
export function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A free-text field (a campaign name) for a file people open in a
 * spreadsheet: a leading = + - @ would run as a formula, so it gets a quote.
 */
export const csvText = (value: unknown): string => {
  const text = value === null || value === undefined ? '' : String(value);
  return csvField(/^[=+\-@]/.test(text) ? `'${text}` : text);
};

export const csvRow = (values: readonly unknown[]): string => values.map(csvField).join(',');
