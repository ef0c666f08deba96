import { countText, type Finding, type Verdict } from '../domain/index.js';

/** Numbers whose names say they are fractions are shown as percentages. */
const FRACTIONS = new Set(['rate', 'lowerBound', 'share']);

function formatNumber(name: string, value: number | string): string {
  if (typeof value === 'string') return value;
  if (FRACTIONS.has(name)) return `${(value * 100).toFixed(2)} %`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** A finding's numbers in words; a number with a `<name>Error` beside it is an estimate, shown `≈3,060 (±3 %)`. */
export function formatNumbers(numbers: Finding['numbers']): string {
  return Object.entries(numbers)
    .filter(([name]) => !(name.endsWith('Error') && name.slice(0, -'Error'.length) in numbers))
    .map(([name, value]) => {
      const error = numbers[`${name}Error`];
      if (typeof value === 'number' && typeof error === 'number') return `${name} ${countText(value, error)}`;
      return `${name} ${formatNumber(name, value)}`;
    })
    .join(', ');
}

const upper = (verdict: Verdict | 'cleared'): string => verdict.toUpperCase();

/** An SNS subject: at most 100 printable characters. */
export function alertSubject(campaign: string, finding: Finding, verdict: Verdict | 'cleared'): string {
  const subject = `[${upper(verdict)}] ${finding.pattern} in campaign ${campaign}`.replace(/[^\x20-\x7e]/g, '?');
  return subject.length <= 100 ? subject : `${subject.slice(0, 97)}...`;
}

export interface AlertTextInputs {
  readonly campaign: string;
  readonly finding: Finding;
  readonly verdict: Verdict | 'cleared';
  readonly previous: Verdict | null;
  /** The window the figures come from, in words ("the last 24 hours"). */
  readonly window: string;
  /** Where to look further (the CloudWatch dashboard, or the local page). */
  readonly link: string | null;
}

/** The alert as a person reads it in an email: what, how bad, the numbers, what to do, where to look. */
export function alertText(inputs: AlertTextInputs): string {
  const { campaign, finding, verdict, previous, window, link } = inputs;
  const lines: string[] = [];
  if (verdict === 'cleared') {
    lines.push(`Campaign "${campaign}": ${finding.pattern} has cleared (it was ${previous ?? 'open'}).`);
    lines.push('', `Last seen: ${finding.summary}.`, `Numbers then: ${formatNumbers(finding.numbers)}.`);
    lines.push('', 'Nothing to do; keep watching the campaign until it finishes.');
  } else {
    const change = previous === null ? 'new finding' : `was ${previous}, now ${verdict}`;
    lines.push(`Campaign "${campaign}": ${finding.pattern} is ${upper(verdict)} (${change}).`);
    lines.push('', `What we see (${window}): ${finding.summary}.`, `Numbers: ${formatNumbers(finding.numbers)}.`);
    lines.push('', `What to do: ${finding.action}`);
  }
  if (link) lines.push('', `Dashboard: ${link}`);
  return `${lines.join('\n')}\n`;
}
