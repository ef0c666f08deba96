import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Decision } from '../../shared/domain/index.js';

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
    if (outcome === 'sender') {
      sender++;
      if (SENDER_SIDE_CATEGORIES.has(decision.category)) senderRecognised++;
    }
  }
  return { cases: cases.length, dead, deadHeld, notDead, falselySuppressed, sender, senderRecognised };
}

export { projectRoot };
