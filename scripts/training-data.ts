import type { Outcome } from '../shared/domain/classifier/engine/model/second-opinion.js';
import { rows as classifyRows } from '../test/fixtures/classify-rows.js';
import {
  diagnosticsCorpus,
  HELD_OUT_LABELLED_SETS,
  heldOutLabelledSet,
  SENDER_SIDE_CATEGORIES,
  sisimaiDevSet,
  UNSEEN_SETS,
  unseenSet,
} from '../test/support/corpus.js';
import type { TrainingExample } from './model-training.js';

/** Categories that suppress because the address is gone (a full mailbox said permanently is not a dead address). */
const DEAD_CATEGORIES: ReadonlySet<string> = new Set(['invalid-address', 'invalid-domain', 'malformed-address']);
/** Categories that say nothing about whose problem it is, or are not failures: left out. */
const NO_OUTCOME: ReadonlySet<string> = new Set(['transaction-failed', 'unknown', 'complaint', 'already-suppressed']);

function outcomeOfCategory(category: string): Outcome | null {
  if (NO_OUTCOME.has(category)) return null;
  if (DEAD_CATEGORIES.has(category)) return 'dead';
  return SENDER_SIDE_CATEGORIES.has(category) ? 'sender' : 'temp';
}

/** A family name comparable across files: its first word, lower case ("Postfix (relay)" and "postfix-..." agree). */
const familyOf = (text: string): string => /[a-z0-9]+/.exec(text.toLowerCase())?.[0] ?? 'unknown';

/**
 * Every labelled line of the repository except the blind sets (test/support/corpus.ts BLIND_SETS), which
 * are never trained on: the corpus, the Sisimai dev file, held-out sets 1-4 and the classify table.
 */
export function trainingExamples(): TrainingExample[] {
  const out: TrainingExample[] = [];
  const push = (diagnosticCode: string, status: string | null, bounceType: string, outcome: Outcome | null, family: string): void => {
    if (outcome !== null) out.push({ diagnosticCode, status, bounceType, outcome, family: familyOf(family) });
  };
  for (const c of [...diagnosticsCorpus(), ...UNSEEN_SETS.flatMap((name) => unseenSet(name))]) {
    push(c.diagnosticCode, c.status, c.bounceType, outcomeOfCategory(c.category), c.id);
  }
  for (const c of sisimaiDevSet()) push(c.diagnosticCode, c.status, c.bounceType, c.class, c.module.replace(/^\w+::/, ''));
  for (const name of HELD_OUT_LABELLED_SETS) {
    for (const c of heldOutLabelledSet(name)) push(c.diagnosticCode, c.status, c.bounceType, c.class, c.family);
  }
  for (const [name, , status, diagnosticCode, type, expected] of classifyRows) {
    push(diagnosticCode, status, type.split(':')[0] ?? '', outcomeOfCategory(expected), name);
  }
  return out;
}
