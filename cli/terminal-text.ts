/**
 * Text the CLI prints for a person carries names and reasons that came from
 * outside (campaign tags, addresses, diagnostics, input lines): a control
 * character in them would move the cursor, recolour or clear the terminal,
 * or start a line that looks like the CLI's own. Every text printer passes
 * such values (or whole lines) through `terminalSafe`. JSON output needs
 * none of this: JSON.stringify escapes it already.
 */

// C0, DEL, C1, and the line and paragraph separators (some terminals and viewers break lines on them).
// eslint-disable-next-line no-control-regex -- control characters are exactly what this replaces
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const escapeOf = (char: string): string => {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** `text` with each control character written as a visible escape (`\n`, `\x1b`, `\x85`, `\u2028`); all other Unicode as is. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escapeOf);
}

/** Lines for a person: each made safe, joined and ended with a newline (a value cannot add or break a line). */
export function terminalLines(lines: readonly string[]): string {
  return `${lines.map(terminalSafe).join('\n')}\n`;
}
