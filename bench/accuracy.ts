import { classifyRecipient } from '../shared/domain/index.js';
import {
  diagnosticsCorpus,
  figuresOf,
  HELD_OUT_LABELLED_SETS,
  heldOutLabelledSet,
  sisimaiDevSet,
  UNSEEN_SETS,
  unseenSet,
  type CorpusCase,
  type Figures,
  type HeldOutLabelledCase,
  type LabelledCase,
} from '../test/support/corpus.js';

const percent = (part: number, whole: number): string => (whole === 0 ? '   n/a' : `${((100 * part) / whole).toFixed(1).padStart(5)}%`);

function row(name: string, f: Figures): string {
  return [
    name.padEnd(28),
    String(f.cases).padStart(5),
    `${percent(f.deadHeld, f.dead)} (${f.deadHeld}/${f.dead})`.padEnd(18),
    `${percent(f.falselySuppressed, f.notDead)} (${f.falselySuppressed}/${f.notDead})`.padEnd(18),
    `${percent(f.senderRecognised, f.sender)} (${f.senderRecognised}/${f.sender})`,
  ].join('  ');
}

/** Accuracy on every labelled set: the figures docs/classification.md reports. */
export function benchAccuracy(): void {
  const sets: Array<[string, ReadonlyArray<CorpusCase | LabelledCase | HeldOutLabelledCase>]> = [
    ['corpus (diagnostics)', diagnosticsCorpus()],
    ['sisimai dev', sisimaiDevSet()],
    ...UNSEEN_SETS.map((name) => [name.replace('.jsonl', ''), unseenSet(name)] as [string, CorpusCase[]]),
    ...HELD_OUT_LABELLED_SETS.map((name) => [name.replace('.jsonl', ''), heldOutLabelledSet(name)] as [string, HeldOutLabelledCase[]]),
  ];
  console.log('classifier accuracy (dead held = suppressed or held for review; false suppression over temp + sender rows)');
  console.log(
    `  ${'set'.padEnd(28)}  ${'rows'.padStart(5)}  ${'dead held'.padEnd(18)}  ${'false suppression'.padEnd(18)}  sender-side recognised`,
  );
  for (const [name, cases] of sets) console.log(`  ${row(name, figuresOf(cases, classifyRecipient))}`);
}
