import { createHash } from 'node:crypto';
import { parseSmtpReply } from '../shared/domain/classifier/engine/smtp.js';
import { featuresOf, type HashedFeature } from '../shared/domain/classifier/engine/model/features.js';
import { OUTCOMES, type Outcome } from '../shared/domain/classifier/engine/model/second-opinion.js';
import { encodeWeights } from '../shared/domain/classifier/engine/model/weight-codec.js';

/** One labelled line as the trainer reads it. */
export interface TrainingExample {
  readonly diagnosticCode: string;
  readonly status: string | null;
  readonly bounceType: string;
  readonly outcome: Outcome;
  /** The mail-server family: cross-validation keeps a family's lines in one fold. */
  readonly family: string;
}

export interface TrainingSettings {
  readonly buckets: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly folds: number;
}

export const TRAINING: TrainingSettings = { buckets: 8192, epochs: 150, learningRate: 0.4, l2: 2e-4, folds: 5 };

/** Logits of the non-reference outcomes (dead, sender) per bucket; temp is the reference class (logit 0). */
export interface FloatModel {
  readonly buckets: number;
  readonly dead: Float64Array;
  readonly sender: Float64Array;
}

const prepared = (examples: readonly TrainingExample[], buckets: number): HashedFeature[][] =>
  examples.map((e) => featuresOf(parseSmtpReply(e.diagnosticCode, e.status), e.bounceType, buckets));

function logits(model: FloatModel, features: readonly HashedFeature[]): [number, number] {
  let dead = 0;
  let sender = 0;
  for (const f of features) {
    dead += f.sign * (model.dead[f.bucket] ?? 0);
    sender += f.sign * (model.sender[f.bucket] ?? 0);
  }
  return [dead, sender];
}

/** P(dead), P(sender), P(temp) from the two logits (softmax with temp at 0). */
export function probabilities(dead: number, sender: number): [number, number, number] {
  const top = Math.max(dead, sender, 0);
  const ed = Math.exp(dead - top);
  const es = Math.exp(sender - top);
  const et = Math.exp(-top);
  const sum = ed + es + et;
  return [ed / sum, es / sum, et / sum];
}

/**
 * Multinomial logistic regression by full-batch gradient descent with AdaGrad
 * steps, classes weighted to equal total weight, L2 on every weight. Every
 * loop runs in a fixed order over plain doubles: the same examples give the
 * same weights, bit for bit.
 */
export function train(examples: readonly TrainingExample[], settings: TrainingSettings = TRAINING): FloatModel {
  const { buckets } = settings;
  const rows = prepared(examples, buckets);
  const counts = OUTCOMES.map((o) => examples.filter((e) => e.outcome === o).length);
  const classWeight = counts.map((c) => (c === 0 ? 0 : examples.length / (OUTCOMES.length * c)));
  const model: FloatModel = { buckets, dead: new Float64Array(buckets), sender: new Float64Array(buckets) };
  const sumSqDead = new Float64Array(buckets).fill(1e-8);
  const sumSqSender = new Float64Array(buckets).fill(1e-8);
  const gradDead = new Float64Array(buckets);
  const gradSender = new Float64Array(buckets);
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    gradDead.fill(0);
    gradSender.fill(0);
    for (let i = 0; i < rows.length; i++) {
      const features = rows[i] ?? [];
      const example = examples[i];
      if (example === undefined) continue;
      const [pd, ps] = probabilities(...logits(model, features));
      const w = (classWeight[OUTCOMES.indexOf(example.outcome)] ?? 0) / examples.length;
      const errDead = w * (pd - (example.outcome === 'dead' ? 1 : 0));
      const errSender = w * (ps - (example.outcome === 'sender' ? 1 : 0));
      for (const f of features) {
        gradDead[f.bucket] = (gradDead[f.bucket] ?? 0) + f.sign * errDead;
        gradSender[f.bucket] = (gradSender[f.bucket] ?? 0) + f.sign * errSender;
      }
    }
    for (let b = 0; b < buckets; b++) {
      const gd = (gradDead[b] ?? 0) + settings.l2 * (model.dead[b] ?? 0);
      const gs = (gradSender[b] ?? 0) + settings.l2 * (model.sender[b] ?? 0);
      sumSqDead[b] = (sumSqDead[b] ?? 0) + gd * gd;
      sumSqSender[b] = (sumSqSender[b] ?? 0) + gs * gs;
      model.dead[b] = (model.dead[b] ?? 0) - (settings.learningRate * gd) / Math.sqrt(sumSqDead[b] ?? 1);
      model.sender[b] = (model.sender[b] ?? 0) - (settings.learningRate * gs) / Math.sqrt(sumSqSender[b] ?? 1);
    }
  }
  return model;
}

/** The weights as shipped: each row quantised to int8 with its own scale. */
export interface QuantisedModel {
  readonly buckets: number;
  readonly deadScale: number;
  readonly senderScale: number;
  readonly weights: Int8Array;
}

export function quantise(model: FloatModel): QuantisedModel {
  const scaleOf = (row: Float64Array): number => {
    let max = 0;
    for (const v of row) max = Math.max(max, Math.abs(v));
    return max === 0 ? 1 : max / 127;
  };
  const deadScale = scaleOf(model.dead);
  const senderScale = scaleOf(model.sender);
  const weights = new Int8Array(model.buckets * 2);
  for (let b = 0; b < model.buckets; b++) {
    weights[2 * b] = Math.round((model.dead[b] ?? 0) / deadScale);
    weights[2 * b + 1] = Math.round((model.sender[b] ?? 0) / senderScale);
  }
  return { buckets: model.buckets, deadScale: Number(deadScale.toPrecision(8)), senderScale: Number(senderScale.toPrecision(8)), weights };
}

export const dequantised = (q: QuantisedModel): FloatModel => {
  const dead = new Float64Array(q.buckets);
  const sender = new Float64Array(q.buckets);
  for (let b = 0; b < q.buckets; b++) {
    dead[b] = (q.weights[2 * b] ?? 0) * q.deadScale;
    sender[b] = (q.weights[2 * b + 1] ?? 0) * q.senderScale;
  }
  return { buckets: q.buckets, dead, sender };
};

export function predict(model: FloatModel, examples: readonly TrainingExample[]): Array<[number, number, number]> {
  return prepared(examples, model.buckets).map((features) => probabilities(...logits(model, features)));
}

/** The fold of a family: a hash, so adding a family moves no other family between folds. */
export const foldOf = (family: string, folds: number): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < family.length; i++) hash = Math.imul(hash ^ family.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % folds;
};

/** Out-of-fold probabilities: each family's lines scored by a model trained without that family's fold. */
export function crossValidated(
  examples: readonly TrainingExample[],
  settings: TrainingSettings = TRAINING,
): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = examples.map(() => [0, 0, 1]);
  for (let fold = 0; fold < settings.folds; fold++) {
    const inFold = examples.map((e) => foldOf(e.family, settings.folds) === fold);
    const model = dequantised(
      quantise(
        train(
          examples.filter((_, i) => !inFold[i]),
          settings,
        ),
      ),
    );
    const held = examples.filter((_, i) => inFold[i]);
    const scored = predict(model, held);
    let k = 0;
    for (let i = 0; i < examples.length; i++) if (inFold[i]) out[i] = scored[k++] ?? [0, 0, 1];
  }
  return out;
}

/**
 * A threshold on the out-of-fold probability of `outcome`: the one that
 * catches most lines of that outcome for the fewest of the others, scored as
 * recall minus three times the share of other lines over it (a live address
 * held, or a dead one called sender-side, costs more than a line left to the
 * rules' `unknown`).
 */
export function chooseThreshold(
  examples: readonly TrainingExample[],
  scores: ReadonlyArray<[number, number, number]>,
  outcome: 'dead' | 'sender' = 'dead',
): number {
  const column = outcome === 'dead' ? 0 : 1;
  let best = 0.5;
  let bestScore = -Infinity;
  const positives = examples.filter((e) => e.outcome === outcome).length;
  const others = examples.length - positives;
  for (let step = 0; step <= 26; step++) {
    const t = 0.3 + step * 0.025;
    let caught = 0;
    let wrong = 0;
    examples.forEach((e, i) => {
      if ((scores[i]?.[column] ?? 0) < t) return;
      if (e.outcome === outcome) caught++;
      else wrong++;
    });
    const score = caught / positives - 3 * (wrong / others);
    if (score > bestScore + 1e-12) {
      bestScore = score;
      best = Number(t.toFixed(3));
    }
  }
  return best;
}

export interface TrainedModel {
  readonly quantised: QuantisedModel;
  readonly threshold: number;
  readonly senderThreshold: number;
  readonly examples: number;
  /** sha256 of the shipped weights and scales: what the test compares. */
  readonly sha256: string;
}

export function trainedModel(examples: readonly TrainingExample[], settings: TrainingSettings = TRAINING): TrainedModel {
  const scores = crossValidated(examples, settings);
  const threshold = chooseThreshold(examples, scores, 'dead');
  const senderThreshold = chooseThreshold(examples, scores, 'sender');
  const quantised = quantise(train(examples, settings));
  return { quantised, threshold, senderThreshold, examples: examples.length, sha256: modelHash(quantised, threshold, senderThreshold) };
}

/** sha256 of the int8 weights (as plain base64), their scales and the thresholds: what a model is compared by. */
export const modelHash = (quantised: QuantisedModel, threshold: number, senderThreshold: number): string =>
  createHash('sha256')
    .update(encodeWeights(quantised.weights))
    .update(`${quantised.buckets}|${quantised.deadScale}|${quantised.senderScale}|${threshold}|${senderThreshold}`)
    .digest('hex');
