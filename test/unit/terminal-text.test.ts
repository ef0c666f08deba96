import { describe, expect, it } from 'vitest';
import { terminalLines, terminalSafe } from '../../cli/terminal-text.js';

describe('terminalSafe: control characters shown, never acted on', () => {
  it('escapes C0, DEL, C1 and the line and paragraph separators, and keeps every other character', () => {
    expect(terminalSafe('a\nb\rc\td')).toBe('a\\nb\\rc\\td');
    expect(terminalSafe('\u001b[31mred\u001b[0m')).toBe('\\x1b[31mred\\x1b[0m');
    expect(terminalSafe('\u0000\u007f\u0085\u009b')).toBe('\\x00\\x7f\\x85\\x9b');
    expect(terminalSafe('x\u2028y\u2029z')).toBe('x\\u2028y\\u2029z');
    const unicode = 'Zoë 🎉 Ωμέγα 日本 ا café — “quoted”';
    expect(terminalSafe(unicode)).toBe(unicode);
  });

  it('terminalLines: one output line per line given, whatever the values hold', () => {
    expect(terminalLines(['Campaign a\nFAKE: ok', '  sends 1'])).toBe('Campaign a\\nFAKE: ok\n  sends 1\n');
  });
});
