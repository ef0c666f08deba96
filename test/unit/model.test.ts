import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyRecipient, MODEL_RULE_ID, type RecipientEvidence } from '../../shared/domain/index.js';
import { packWeights, unpackWeights } from '../../shared/domain/classifier/engine/model/weight-codec.js';
import { MODEL } from '../../shared/domain/classifier/engine/model/weights.js';
import { modelHash, trainedModel } from '../../scripts/model-training.js';
import { trainingExamples } from '../../scripts/training-data.js';
import { BLIND_SETS, heldOutLabelledSet, labelledFiles } from '../support/corpus.js';

const evidence = (diagnosticCode: string, bounceType = 'Permanent'): RecipientEvidence => ({
  recipient: 'someone@example.com',
  status: null,
  diagnosticCode,
  bounceType,
  bounceSubType: 'General',
});

const isModel = (rule: string): boolean => rule === MODEL_RULE_ID || rule.startsWith(`${MODEL_RULE_ID} `);

describe('learned second opinion', () => {
  // Wordings from issue 21's list of what the rules answered `unknown` to; none is in a labelled file.
  it('holds for review a dead address no rule recognises, and says it is the model, how sure, and why', () => {
    for (const text of ['smtp; 550 recipient e-mail adress unknown', 'smtp; Gone away, no forwarding address']) {
      const decision = classifyRecipient(evidence(text));
      expect({ category: decision.category, action: decision.action, suppress: decision.suppress }).toEqual({
        category: 'transaction-failed',
        action: 'review',
        suppress: false,
      });
      expect(decision.rule).toMatch(/^model dead p=(0\.\d\d|1\.00) \("[^"]+", "[^"]+", "[^"]+"\)$/);
    }
  });

  it('marks a sender-side failure no rule recognises as sender-side, without holding the address', () => {
    const decision = classifyRecipient(evidence('smtp; 550 Sender ID validation failure for your domain'));
    expect({ category: decision.category, action: decision.action, suppress: decision.suppress }).toEqual({
      category: 'reputation-block',
      action: 'investigate',
      suppress: false,
    });
    expect(decision.rule).toMatch(/^model sender p=/);
  });

  it('leaves a 2xx reply and a one-word text to the rules (unknown)', () => {
    for (const text of ['smtp; 250 Message received OK.', 'smtp; 550 Rejected', 'smtp; ']) {
      expect(classifyRecipient(evidence(text)).rule).toBe('no-rule-matched');
    }
  });

  it('is not consulted where a rule matched', () => {
    const decision = classifyRecipient(evidence('smtp; 550 5.1.1 The email account that you tried to reach does not exist.'));
    expect(isModel(decision.rule)).toBe(false);
    expect(decision.suppress).toBe(true);
  });

  it('never suppresses: every labelled line and any text', () => {
    const lines = labelledFiles().flatMap(([, rows]) => rows);
    for (const line of lines) {
      const decision = classifyRecipient(line);
      if (isModel(decision.rule)) expect(decision.suppress).toBe(false);
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.constantFrom('Permanent', 'Transient', 'Undetermined'), (text, type) => {
        const decision = classifyRecipient(evidence(`smtp; ${text}`, type));
        return !isModel(decision.rule) || (!decision.suppress && decision.action !== 'suppress');
      }),
      { numRuns: 500 },
    );
  });

  it('ships weights that decode to what was encoded', () => {
    const weights = unpackWeights(MODEL.weights);
    expect(weights.length).toBe(MODEL.buckets * 2);
    expect(packWeights(weights)).toEqual(MODEL.weights);
  });

  // The shipped code decodes to the very weights the hash (and so the retraining test below) vouches for.
  it('ships coded weights whose hash is the trained model’s', () => {
    const { buckets, deadScale, senderScale, threshold, senderThreshold } = MODEL;
    const quantised = { buckets, deadScale, senderScale, weights: unpackWeights(MODEL.weights) };
    expect(modelHash(quantised, threshold, senderThreshold)).toBe(MODEL.sha256);
  });

  it('codes any int8 weights losslessly, in less room than base64 when most are small', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -128, max: 127 }), { maxLength: 3000 }), (values) => {
        const weights = Int8Array.from(values);
        expect([...unpackWeights(packWeights(weights))]).toEqual(values);
      }),
      { numRuns: 200 },
    );
    for (const values of [[], [0], [5, 5, 5], [-128, 127]]) expect([...unpackWeights(packWeights(Int8Array.from(values)))]).toEqual(values);
    expect(MODEL.weights.bits.length).toBeLessThan((MODEL.buckets * 2 * 4) / 3 / 1.7);
  });

  it('is trained on no line of the blind set', () => {
    const trained = new Set(trainingExamples().map((e) => e.diagnosticCode));
    const elsewhere = new Set(
      labelledFiles()
        .filter(([name]) => !BLIND_SETS.some((blind) => blind.startsWith(name)))
        .flatMap(([, rows]) => rows.map((r) => r.diagnosticCode)),
    );
    const blindOnly = BLIND_SETS.flatMap((name) => heldOutLabelledSet(name)).filter((r) => !elsewhere.has(r.diagnosticCode));
    expect(blindOnly.length).toBeGreaterThan(90);
    expect(blindOnly.filter((r) => trained.has(r.diagnosticCode))).toEqual([]);
  });

  // Same labelled files, same weights: retraining reproduces the shipped file's hash (weights, scales, thresholds).
  it('retrains to exactly the shipped weights', { timeout: 240_000 }, () => {
    expect(trainedModel(trainingExamples()).sha256).toBe(MODEL.sha256);
  });
});
