import { classifyRecipient, type Decision, type RecipientEvidence } from '../shared/domain/index.js';
import { rows as classifyRows } from '../test/fixtures/classify-rows.js';
import { figuresOf, labelledFiles, withoutTwins, type AnyLabelledCase, type Figures } from '../test/support/corpus.js';

const share = (part: number, whole: number): string => (whole === 0 ? '  n/a' : (part / whole).toFixed(3));

/** The issue's targets, printed beside every figure. */
const TARGETS = 'targets: dead held >= 0.95, false suppression <= 0.02, sender-side recognised >= 0.92, alive held <= 0.05';

function row(name: string, f: Figures): string {
  return [
    name.padEnd(34),
    String(f.cases).padStart(5),
    `${share(f.deadHeld, f.dead)} (${f.deadHeld}/${f.dead})`.padEnd(16),
    `${share(f.falselySuppressed, f.notDead)} (${f.falselySuppressed}/${f.notDead})`.padEnd(16),
    `${share(f.senderRecognised, f.sender)} (${f.senderRecognised}/${f.sender})`.padEnd(16),
    `${share(f.aliveHeld, f.notDead)} (${f.aliveHeld}/${f.notDead})`,
  ].join('  ');
}

/** The classify table's lines, as evidence for the twin check (its rows are labelled too). */
const classifyTableLines = (): Array<{ diagnosticCode: string }> => classifyRows.map(([, , , diagnosticCode]) => ({ diagnosticCode }));

/**
 * Accuracy on every labelled set (the figures docs/classification.md reports), on all its rows and on its
 * no-twin rows (no line with the same words after masking addresses and digits, token Jaccard >= 0.8, in
 * any other labelled file of the repository).
 */
export function benchAccuracy(classify: (c: RecipientEvidence) => Decision = (c) => classifyRecipient(c)): void {
  const files = labelledFiles();
  const table = classifyTableLines();
  console.log('classifier accuracy (dead held = suppressed or held for review; false suppression, alive held over temp + sender)');
  console.log(`  ${TARGETS}`);
  const heads = ['dead held', 'false suppr.', 'sender recog.'].map((h) => h.padEnd(16)).join('  ');
  console.log(`  ${'set'.padEnd(34)}  ${'rows'.padStart(5)}  ${heads}  alive held`);
  const pooled: AnyLabelledCase[] = [];
  for (const [name, cases] of files) {
    const others = [...files.filter(([other]) => other !== name).flatMap(([, rows]) => rows), ...table];
    const alone = withoutTwins(cases, others);
    pooled.push(...alone);
    console.log(`  ${row(name, figuresOf(cases, classify))}`);
    console.log(`  ${row(`  no-twin rows`, figuresOf(alone, classify))}`);
  }
  console.log(`  ${row('no-twin rows of all sets', figuresOf(pooled, classify))}`);
}
