import type { Action, BounceCategory, FailureClass, Provider } from '../types.js';

/**
 * One classification rule. Every condition given must hold; the first rule
 * in the table that holds decides. The table's order *is* the precedence
 * (`precedence.ts`).
 */
export interface ClassificationRule {
  readonly id: string;
  readonly category: BounceCategory;
  /** Failure classes the rule applies to; all when absent. */
  readonly classes?: readonly FailureClass[];
  readonly providers?: readonly Provider[];
  /** Tested against the enhanced code, e.g. "5.1.1". */
  readonly enhanced?: RegExp;
  /** Tested against the basic code, e.g. "550". */
  readonly smtp?: RegExp;
  /** Tested against the remote text (codes removed). */
  readonly text?: RegExp;
  readonly sesBounceType?: readonly string[];
  readonly sesSubType?: readonly string[];
}

export const PERMANENT: readonly FailureClass[] = ['permanent'];
export const TRANSIENT: readonly FailureClass[] = ['transient'];
export const NOT_PERMANENT: readonly FailureClass[] = ['transient', 'undetermined'];
/**
 * Strong wording that an address or domain does not exist decides without a
 * permanent class too (many servers' reports carry text only, which SES calls
 * `Undetermined`); only a 4xx class vetoes it.
 */
export const NOT_TRANSIENT: readonly FailureClass[] = ['permanent', 'undetermined'];

/*
 * Families of wording (`families/`). Each is one meaning, written the many ways MTAs say it.
 * Sources of the wordings are named per part: the MTAs' and providers' own
 * documentation, and Sisimai's catalogue of real MTA replies
 * (github.com/sisimai/go-sisimai, reason/why-*.go, BSD-2), which collects the
 * message texts of Postfix, Exim, Sendmail, qmail, Exchange, Domino, Courier
 * and the big providers.
 */

/** One family of wording from its named parts: each part is one way some MTA says it. */
export function family(...parts: readonly RegExp[]): RegExp {
  return new RegExp(parts.map((part) => `(?:${part.source})`).join('|'), 'i');
}

/** A pattern as one group, so that it can be followed by another piece. */
export function group(pattern: RegExp): RegExp {
  return new RegExp(`(?:${pattern.source})`, 'i');
}

/** One long wording written in pieces that follow each other (to keep lines readable). */
export function phrase(...pieces: readonly RegExp[]): RegExp {
  return new RegExp(pieces.map((piece) => piece.source).join(''), 'i');
}

/**
 * `lead`, a window of other characters (`gap`), then `tail`: the same matches as `phrase(lead, gap, tail)`, written from
 * the tail back (`tail(?<=lead gap tail)`), so that the pattern is tried where the tail's rarer words are instead of
 * scanning a window after every common noun the lead names ("address", "user"), and the walk's gate keys on the tail.
 */
export function tailFirst(lead: RegExp, gap: RegExp, tail: RegExp, ending?: RegExp): RegExp {
  // The lookbehind holds the whole wording, the tail's own leading \b included. `ending`, when given, is what every match
  // of the tail ends with (its words past an optional start), so that the walk's gate still has a literal to key on.
  const forward = ending?.source ?? tail.source.replace(/^\\b/, '');
  return new RegExp(`(?:${forward})(?<=(?:${lead.source})${gap.source}(?:${tail.source}))`, 'i');
}

/** A real row and the decision it gets: what a family or provider file shows of itself, and what its test checks. */
export interface Example {
  /** Where the row comes from: a labelled file (or test table) of this repository and the row's id. */
  readonly from: string;
  /** The recipient, when the provider is part of what the row shows (`someone@example.org` otherwise). */
  readonly recipient?: string;
  readonly status?: string;
  readonly diagnosticCode: string;
  /** `Permanent` and `General` unless given. */
  readonly bounceType?: string;
  readonly bounceSubType?: string;
  /** The rule of the precedence table that decides. */
  readonly rule: string;
  readonly provider?: Provider;
  readonly category: BounceCategory;
  readonly action: Action;
}

/** What a family or provider file says of itself: its public source and a few real rows. */
export interface Knowledge {
  /** The public references the wordings come from. */
  readonly source: readonly string[];
  readonly examples: readonly Example[];
}
