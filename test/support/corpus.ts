import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseNotification, recipientOutcomes, type Decision, type RecipientOutcome } from '../../shared/domain/index.js';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const sharedCorpus = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const vendoredCorpus = `${projectRoot}test/fixtures/corpus/`;

/** A newer copy of the labelled corpus in a `shared/corpus` folder beside the checkout when present, else the copy in test/fixtures. */
export const corpusDir = existsSync(sharedCorpus) ? sharedCorpus : vendoredCorpus;

export interface CorpusCase {
  id: string;
  recipient: string;
  status: string | null;
  diagnosticCode: string;
  bounceType: string;
  bounceSubType: string;
  category: string;
  suppress: boolean;
}

/** What happened to the address, as a label: the three outcomes the figures are about. */
export type OutcomeClass = 'dead' | 'temp' | 'sender';

/** A recipient line labelled by its outcome class only (no expected category). */
interface ClassLabelledLine {
  id: string;
  recipient: string;
  status: string | null;
  diagnosticCode: string;
  bounceType: string;
  bounceSubType: string;
  class: OutcomeClass;
}

/** A line of the Sisimai dev file: Sisimai's own reason, and the sample file and module it came from. */
export interface LabelledCase extends ClassLabelledLine {
  sisimaiReason: string;
  sample: string;
  module: string;
}

/**
 * A line of a held-out set labelled by outcome only (unseen-diagnostics-3 on): with the mail-server `family`,
 * the public `source` and the labeller's `why`.
 */
export interface HeldOutLabelledCase extends ClassLabelledLine {
  family: string;
  source: string;
  why: string;
}

export function readJsonLines<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

export const diagnosticsCorpus = (): CorpusCase[] => readJsonLines<CorpusCase>(`${corpusDir}diagnostics.jsonl`);
export const sisimaiDevSet = (): LabelledCase[] => readJsonLines<LabelledCase>(`${corpusDir}sisimai-dev.jsonl`);
export const unseenSet = (name: string): CorpusCase[] => readJsonLines<CorpusCase>(`${projectRoot}test/fixtures/${name}`);
export const UNSEEN_SETS = ['unseen-diagnostics.jsonl', 'unseen-diagnostics-2.jsonl'] as const;
/** Held-out sets labelled by outcome class (dead / temp / sender) rather than by category. */
export const heldOutLabelledSet = (name: string): HeldOutLabelledCase[] =>
  readJsonLines<HeldOutLabelledCase>(`${projectRoot}test/fixtures/${name}`);
export const HELD_OUT_LABELLED_SETS = ['unseen-diagnostics-3.jsonl', 'unseen-diagnostics-4.jsonl'] as const;

export function notificationFixture(name: string): unknown {
  return JSON.parse(readFileSync(`${corpusDir}notifications/${name}`, 'utf8'));
}

/** The recipient outcomes of an SES event notification (a test's fixture: anything else throws). */
export function outcomesOf(notification: unknown): RecipientOutcome[] {
  const parsed = parseNotification(notification);
  if (!parsed.ok || parsed.value.kind !== 'event') throw new Error('fixture did not parse');
  return recipientOutcomes(parsed.value.event);
}

export const notificationFixtureNames = (): string[] => readdirSync(`${corpusDir}notifications`).filter((f) => f.endsWith('.json'));

/** Categories that name a failure on the sender's side (its setup, reputation, content or sending limits). */
export const SENDER_SIDE_CATEGORIES: ReadonlySet<string> = new Set([
  'reputation-block',
  'authentication-failure',
  'content-rejected',
  'recipient-policy-block',
  'sending-limit',
]);

/** The outcome class of a case labelled with a category: a suppressed category is a dead address. */
export function classOf(c: CorpusCase | LabelledCase | HeldOutLabelledCase): OutcomeClass {
  if ('class' in c) return c.class;
  if (c.suppress) return 'dead';
  return SENDER_SIDE_CATEGORIES.has(c.category) ? 'sender' : 'temp';
}

/** An address is held when it is no longer mailed: suppressed, or held for a person's review. */
export const isHeld = (decision: Decision): boolean => decision.suppress || decision.action === 'review';

export interface Figures {
  readonly cases: number;
  readonly dead: number;
  readonly deadHeld: number;
  readonly notDead: number;
  readonly falselySuppressed: number;
  readonly sender: number;
  readonly senderRecognised: number;
  /** Live addresses (temp or sender rows) held for review or suppressed. */
  readonly aliveHeld: number;
}

/** The two errors that matter (a dead address mailed again, a live one suppressed) and sender-side recognition. */
export function figuresOf<C extends CorpusCase | LabelledCase | HeldOutLabelledCase>(
  cases: ReadonlyArray<C>,
  classify: (c: C) => Decision,
): Figures {
  let dead = 0;
  let deadHeld = 0;
  let notDead = 0;
  let falselySuppressed = 0;
  let sender = 0;
  let senderRecognised = 0;
  let aliveHeld = 0;
  for (const c of cases) {
    const decision = classify(c);
    const outcome = classOf(c);
    if (outcome === 'dead') {
      dead++;
      if (isHeld(decision)) deadHeld++;
      continue;
    }
    notDead++;
    if (decision.suppress) falselySuppressed++;
    if (isHeld(decision)) aliveHeld++;
    if (outcome === 'sender') {
      sender++;
      if (SENDER_SIDE_CATEGORIES.has(decision.category)) senderRecognised++;
    }
  }
  return { cases: cases.length, dead, deadHeld, notDead, falselySuppressed, sender, senderRecognised, aliveHeld };
}

export { projectRoot };

/**
 * The blind sets: gathered and labelled without the rules, run once for the record, never used to train or tune.
 * Not checked row by row by the tests (that would turn them into training data); the bench reports them.
 */
export const BLIND_SETS = ['unseen-diagnostics-5.jsonl'] as const;

/** Any labelled line: what the twin check and the bench read. */
export type AnyLabelledCase = CorpusCase | LabelledCase | HeldOutLabelledCase;

/** Every labelled file of the repository with its rows (the classify table is read by the bench separately). */
export function labelledFiles(): Array<[name: string, rows: AnyLabelledCase[]]> {
  return [
    ['corpus (diagnostics)', diagnosticsCorpus()],
    ['sisimai dev', sisimaiDevSet()],
    ...UNSEEN_SETS.map((name) => [name.replace('.jsonl', ''), unseenSet(name)] as [string, AnyLabelledCase[]]),
    ...HELD_OUT_LABELLED_SETS.map((name) => [name.replace('.jsonl', ''), heldOutLabelledSet(name)] as [string, AnyLabelledCase[]]),
    ...BLIND_SETS.map((name) => [name.replace('.jsonl', ''), heldOutLabelledSet(name)] as [string, AnyLabelledCase[]]),
  ];
}

/** The words of a diagnostic with addresses, hosts in brackets and digits masked: what makes two lines "the same wording". */
export function maskedTokens(text: string): Set<string> {
  const masked = text
    .toLowerCase()
    .replace(/^\s*smtp;\s*/, '')
    .replace(/[^\s<>()[\]"',;]+@[^\s<>()[\]"',;]+/g, ' addr ')
    .replace(/\d+/g, ' 0 ');
  return new Set(masked.split(/[^\p{L}\p{N}]+/u).filter((t) => t !== ''));
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Token Jaccard at or above which a line has a near twin in another file. */
export const TWIN_JACCARD = 0.8;

/**
 * The rows of `rows` with no near twin (same words after masking addresses and digits, Jaccard ≥ 0.8) in any of
 * `others`: the lines no labelled file other than their own has already shown the rules.
 */
export function withoutTwins<C extends { diagnosticCode: string }>(
  rows: readonly C[],
  others: ReadonlyArray<{ diagnosticCode: string }>,
): C[] {
  const otherTokens = others.map((o) => maskedTokens(o.diagnosticCode));
  return rows.filter((r) => {
    const mine = maskedTokens(r.diagnosticCode);
    return !otherTokens.some((o) => jaccard(mine, o) >= TWIN_JACCARD);
  });
}
