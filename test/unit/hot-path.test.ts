import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalTimeIsValid,
  classifyRecipient,
  clearVerdictCache,
  isoTime,
  isValidAddress,
  isValidStepByStep,
  normaliseAddress,
  normaliseStepByStep,
  VERDICT_CACHE_LIMIT,
  verdictCacheSize,
  type RecipientEvidence,
} from '../../shared/domain/index.js';
import { rows } from '../fixtures/classify-rows.js';
import { diagnosticsCorpus, sisimaiDevSet, UNSEEN_SETS, unseenSet } from '../support/corpus.js';

/** Every labelled piece of evidence the project has: the classify table, the corpus, the Sisimai dev file, the unseen sets. */
const evidence: RecipientEvidence[] = [
  ...rows.map(([, recipient, status, diagnosticCode, type]) => {
    const [bounceType, bounceSubType = 'General'] = type.split(':');
    return { recipient, status, diagnosticCode, bounceType, bounceSubType };
  }),
  ...diagnosticsCorpus(),
  ...sisimaiDevSet(),
  ...UNSEEN_SETS.flatMap((name) => unseenSet(name)),
];

describe('verdict cache', () => {
  it('gives every piece of evidence the decision computed afresh, cold and warm, also when only the address, status or labels differ', () => {
    clearVerdictCache();
    // Same text with what else the verdict depends on changed: a key missing one of them would hand back a wrong verdict.
    const variantsOf = (e: RecipientEvidence): RecipientEvidence[] => [
      e,
      { ...e, recipient: 'someone@outlook.com' },
      { ...e, recipient: 'someone@example.org' },
      { ...e, status: null },
      { ...e, bounceType: 'Transient' },
      { ...e, bounceType: undefined, bounceSubType: 'MailboxFull' },
    ];
    const verdict = (e: RecipientEvidence): string => {
      const { retryAfterSeconds: _, ...rest } = classifyRecipient(e, false);
      return JSON.stringify(rest);
    };
    const mismatches: string[] = [];
    let textsWithDifferentVerdicts = 0;
    for (const pass of ['cold', 'warm']) {
      for (const e of evidence) {
        const variants = variantsOf(e);
        for (const variant of variants) {
          const cached = JSON.stringify(classifyRecipient(variant));
          if (cached !== JSON.stringify(classifyRecipient(variant, false))) mismatches.push(`${pass}: ${JSON.stringify(variant)}`);
        }
        if (pass === 'cold' && new Set(variants.map(verdict)).size > 1) textsWithDifferentVerdicts++;
      }
    }
    expect(mismatches).toEqual([]);
    expect(textsWithDifferentVerdicts).toBeGreaterThan(evidence.length / 2);
  });

  it('equals the uncached decision for arbitrary evidence sharing a few texts', () => {
    const texts = ['smtp; 550 5.1.1 user unknown', 'smtp; 452 4.2.2 mailbox full', 'Mailbox unavailable', '', 'smtp; 554 rejected'];
    const text = fc.oneof(fc.constantFrom(...texts), fc.string());
    const label = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.constantFrom('', 'Permanent', 'Transient', 'General', 'MailboxFull'),
      fc.string(),
    );
    const recipient = fc.constantFrom('kim@gmail.com', 'kim@example.com', 'KIM@Hotmail.co.uk', ' <a@yahoo.com>', 'no-at-sign', '');
    fc.assert(
      fc.property(
        recipient,
        fc.oneof(fc.constantFrom('5.1.1', '4.2.2', '5.0.0', ''), fc.string()),
        text,
        label,
        label,
        (r, status, diagnostic, type, subType) => {
          const e = { recipient: r, status, diagnosticCode: diagnostic, bounceType: type, bounceSubType: subType };
          const fresh = classifyRecipient(e, false);
          expect(classifyRecipient(e)).toEqual(fresh);
          expect(classifyRecipient(e)).toEqual(fresh);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never mixes up SES labels that contain separators', () => {
    const labelledSuppressed = {
      recipient: 'kim@example.com',
      diagnosticCode: 'smtp; 550 blocked',
      bounceType: 'P|Q',
      bounceSubType: 'Suppressed',
    };
    const notSuppressed = { ...labelledSuppressed, bounceType: 'P', bounceSubType: 'Q|Suppressed' };
    expect(classifyRecipient(labelledSuppressed, false).rule).toBe('ses-suppression-list');
    expect(classifyRecipient(notSuppressed, false).rule).not.toBe('ses-suppression-list');
    expect(classifyRecipient(notSuppressed).rule).not.toBe('ses-suppression-list');
  });

  it('stays bounded', () => {
    clearVerdictCache();
    // Each text twice: a text is kept from its second sighting on.
    for (let i = 0; i < VERDICT_CACHE_LIMIT * 3; i++) {
      for (const _ of [1, 2]) classifyRecipient({ recipient: 'kim@example.com', diagnosticCode: `smtp; 550 no such user ${i}` });
    }
    expect(verdictCacheSize()).toBeGreaterThan(VERDICT_CACHE_LIMIT / 2);
    expect(verdictCacheSize()).toBeLessThanOrEqual(VERDICT_CACHE_LIMIT);
  });

  it('keeps a text from its second sighting on, and none that occur once', () => {
    clearVerdictCache();
    for (let i = 0; i < 1000; i++) classifyRecipient({ recipient: 'kim@example.com', diagnosticCode: `smtp; 550 no such user ${i}` });
    expect(verdictCacheSize()).toBe(0);
    const repeated = { recipient: 'kim@example.com', diagnosticCode: 'smtp; 550 5.1.1 user unknown', bounceType: 'Permanent' };
    classifyRecipient(repeated);
    expect(verdictCacheSize()).toBe(0);
    classifyRecipient(repeated);
    expect(verdictCacheSize()).toBe(1);
    // A second verdict for a text already kept (another provider) is kept at once.
    classifyRecipient({ ...repeated, recipient: 'kim@gmail.com' });
    expect(verdictCacheSize()).toBe(1);
    expect(classifyRecipient({ ...repeated, recipient: 'kim@gmail.com' })).toEqual(
      classifyRecipient({ ...repeated, recipient: 'kim@gmail.com' }, false),
    );
  });
});

describe('shortcuts on the notification hot path', () => {
  it('accepts a canonical time exactly when Date.parse does', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    let accepted = 0;
    const mismatches: string[] = [];
    const check = (value: string): void => {
      if (canonicalTimeIsValid(value) !== !Number.isNaN(Date.parse(value))) mismatches.push(value);
    };
    for (let month = 0; month < 100; month++) {
      for (let day = 0; day < 100; day += day < 33 ? 1 : 11) {
        for (const time of [
          '00:00:00.000',
          '23:59:59.999',
          '24:00:00.000',
          '24:00:00.001',
          '24:01:00.000',
          '12:60:00.000',
          '12:00:60.000',
          '99:99:99.999',
        ]) {
          const value = `2026-${two(month)}-${two(day)}T${time}Z`;
          check(value);
          if (isoTime(value) === value) accepted++;
        }
      }
    }
    for (let hour = 0; hour < 100; hour++) {
      for (const rest of ['00:00.000', '00:00.500', '59:59.000', '60:00.000', '00:60.000']) check(`2026-11-20T${two(hour)}:${rest}Z`);
    }
    expect(mismatches).toEqual([]);
    expect(accepted).toBe(12 * 31 * 3);
  });

  it('takes the already-normal shortcut only for addresses every normalisation step leaves unchanged', () => {
    const character = fc.constantFrom(...'abzAZ09._%+=-@ <>:;ü\t'.split(''));
    fc.assert(
      fc.property(fc.array(character, { maxLength: 20 }), fc.constantFrom('', 'smtp:', 'mailto: ', 'Kim <'), (chars, prefix) => {
        const address = `${prefix}${chars.join('')}`;
        expect(normaliseAddress(address)).toBe(normaliseStepByStep(address));
      }),
      { numRuns: 3000 },
    );
    expect(normaliseAddress('kim.lee+x@gmail.com')).toBe('kim.lee+x@gmail.com');
    expect(normaliseAddress('Kim <KIM@Example.COM>')).toBe('kim@example.com');
  });

  it('takes the plainly-valid shortcut only for addresses every validity check accepts', () => {
    const character = fc.constantFrom(...'abz09._%+=-@-.ü "'.split(''));
    let validCount = 0;
    fc.assert(
      fc.property(
        fc.array(character, { maxLength: 80 }),
        fc.constantFrom('', 'kim@', '.a@', 'a-@b.'),
        fc.constantFrom('', '.com', 'x'.repeat(64)),
        (chars, prefix, suffix) => {
          const address = `${prefix}${chars.join('')}${suffix}`;
          const valid = isValidAddress(address);
          expect(valid).toBe(address.length <= 254 && isValidStepByStep(address));
          if (valid) validCount++;
        },
      ),
      { numRuns: 4000 },
    );
    expect(validCount).toBeGreaterThan(20);
    expect(isValidAddress(`${'a'.repeat(64)}@b.co`)).toBe(true);
    expect(isValidAddress(`${'a'.repeat(65)}@b.co`)).toBe(false);
    expect(isValidAddress(`a@${'b'.repeat(63)}.co`)).toBe(true);
    expect(isValidAddress(`a@${'b'.repeat(64)}.co`)).toBe(false);
    expect(isValidAddress('a..b@c.de')).toBe(false);
  });
});
