import { describe, expect, it } from 'vitest';
import {
  applySignal,
  BOUNCE_CATEGORIES,
  evidenceOf,
  factorByFirstCharacter,
  parseNotification,
  recipientOutcomes,
  signalOf,
  CATEGORY_POLICY,
  classifyRecipient,
  CLASSIFICATION_RULES,
  domainOf,
  failureClassOf,
  firstMatchingRule,
  normaliseAddress,
  parseSmtpReply,
  providerOf,
  requiredLiteral,
  trigramGate,
  type RuleInput,
} from '../../shared/domain/index.js';
import { rows } from '../fixtures/classify-rows.js';
import { diagnosticsCorpus, sisimaiDevSet, UNSEEN_SETS, unseenSet } from '../support/corpus.js';

describe('classifyRecipient', () => {
  it.each(rows)('%s', (_name, recipient, status, diagnosticCode, type, expected) => {
    const [bounceType, bounceSubType = 'General'] = type.split(':');
    const decision = classifyRecipient({ recipient, status, diagnosticCode, bounceType, bounceSubType });
    expect(decision.category).toBe(expected);
    expect(decision.suppress).toBe(CATEGORY_POLICY[expected].suppress);
    expect(decision.rule).not.toBe('');
  });

  it('carries codes, provider and the rule that fired', () => {
    const decision = classifyRecipient({
      recipient: ' Kim.Lee@GMAIL.com ',
      status: '5.1.1',
      diagnosticCode: 'smtp; 550-5.1.1 The email account that you tried to reach does not exist. - gsmtp',
      bounceType: 'Permanent',
      bounceSubType: 'General',
    });
    expect(decision).toMatchObject({
      category: 'invalid-address',
      action: 'suppress',
      suppress: true,
      retryAfterSeconds: null,
      provider: 'gmail',
      smtpCode: 550,
      enhancedCode: '5.1.1',
      failureClass: 'permanent',
      rule: 'text-no-such-mailbox',
    });
    expect(decision.diagnostic).toContain('does not exist');
  });

  it('names a hosted provider from the reply text when the domain is a company’s own', () => {
    const decision = classifyRecipient({
      recipient: 'a@contoso.example',
      status: '5.1.10',
      diagnosticCode: 'smtp; 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
    });
    expect(decision.provider).toBe('microsoft');
  });

  it.each([
    ['service-unavailable', '4.3.2', 'smtp; 421 4.3.2 Service not available', 15 * 60, 3600],
    ['mailbox-busy', '4.2.0', 'smtp; 450 4.2.0 Mailbox busy', 3600, 4 * 3600],
    ['mailbox-full', '4.2.2', 'smtp; 452 4.2.2 Mailbox full', 6 * 3600, 12 * 3600],
    ['connection-timeout', '4.4.1', 'smtp; 4.4.1 Connection timed out', 45 * 60, 75 * 60],
    ['reputation-block', '4.7.0', 'smtp; 421 4.7.0 [TS01] Messages temporarily deferred due to user complaints', 2 * 3600, 4 * 3600],
  ] as const)('retries %s inside its window', (category, status, diagnosticCode, min, max) => {
    for (const local of ['a', 'bob', 'carol.smith', 'dave+news', 'x1', 'y2', 'z3']) {
      const decision = classifyRecipient({ recipient: `${local}@example.com`, status, diagnosticCode, bounceType: 'Transient' });
      expect(decision.category).toBe(category);
      expect(decision.retryAfterSeconds).toBeGreaterThanOrEqual(min);
      expect(decision.retryAfterSeconds).toBeLessThanOrEqual(max);
    }
  });

  it('spreads retries of one campaign over the window, the same address always the same', () => {
    const delays = new Set<number | null>();
    for (let i = 0; i < 50; i++) {
      delays.add(
        classifyRecipient({ recipient: `user${i}@example.com`, status: '4.3.2', diagnosticCode: 'smtp; 421 4.3.2 try later' })
          .retryAfterSeconds,
      );
    }
    expect(delays.size).toBeGreaterThan(40);
    const once = classifyRecipient({ recipient: 'same@example.com', status: '4.3.2' }).retryAfterSeconds;
    expect(classifyRecipient({ recipient: 'SAME@example.com', status: '4.3.2' }).retryAfterSeconds).toBe(once);
  });

  it('investigates a permanent reputation block without retrying it', () => {
    const decision = classifyRecipient({
      recipient: 'a@example.com',
      status: '5.7.1',
      diagnosticCode: 'smtp; 554 5.7.1 blocked using zen.spamhaus.org',
    });
    expect(decision).toMatchObject({ action: 'investigate', suppress: false, retryAfterSeconds: null });
  });
});

describe('rule table', () => {
  it('has unique rule ids and only known categories', () => {
    const ids = CLASSIFICATION_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of CLASSIFICATION_RULES) expect(BOUNCE_CATEGORIES).toContain(rule.category);
  });

  it('every category has a policy, and only permanent ones suppress', () => {
    const suppressing = BOUNCE_CATEGORIES.filter((c) => CATEGORY_POLICY[c].suppress).sort();
    expect(suppressing).toEqual(
      ['already-suppressed', 'complaint', 'invalid-address', 'invalid-domain', 'mailbox-full-permanent', 'malformed-address'].sort(),
    );
  });
});

describe('rule coverage', () => {
  it('every rule fires for at least one test row (corpus, held-out sets, the Sisimai dev file, the table above)', () => {
    const evidence = [
      ...rows.map(([, recipient, status, diagnosticCode, type]) => {
        const [bounceType, bounceSubType = 'General'] = type.split(':');
        return { recipient, status, diagnosticCode, bounceType, bounceSubType };
      }),
      ...diagnosticsCorpus(),
      ...sisimaiDevSet(),
      ...UNSEEN_SETS.flatMap((name) => unseenSet(name)),
    ];
    const fired = new Set(evidence.map((e) => classifyRecipient(e).rule));
    const silent = CLASSIFICATION_RULES.map((rule) => rule.id).filter((id) => !fired.has(id));
    expect(silent).toEqual([]);
  });
});

describe('554 with nothing sharper', () => {
  it('holds the address in review (not mailed, not suppressed) and flags it for the sender investigation', () => {
    const body = {
      eventType: 'Bounce',
      mail: { messageId: 'm-554', timestamp: '2026-11-20T10:00:00.000Z', destination: ['sam@example.org'] },
      bounce: {
        feedbackId: 'f-554',
        bounceType: 'Permanent',
        bounceSubType: 'General',
        timestamp: '2026-11-20T10:05:00.000Z',
        bouncedRecipients: [{ emailAddress: 'sam@example.org', diagnosticCode: 'smtp; 554 Transaction failed' }],
      },
    };
    const parsed = parseNotification(JSON.stringify(body));
    if (!parsed.ok || parsed.value.kind !== 'event') throw new Error('fixture did not parse');
    const [outcome] = recipientOutcomes(parsed.value.event);
    if (!outcome) throw new Error('no outcome');
    expect(outcome.decision).toMatchObject({ category: 'transaction-failed', action: 'review', suppress: false });
    const kind = signalOf(outcome);
    expect(kind).toBe('policy-block');
    const transition = applySignal(outcome.recipient, null, {
      kind: kind as 'policy-block',
      eventId: outcome.eventId,
      occurredAt: outcome.occurredAt,
      evidence: evidenceOf(outcome),
    });
    expect(transition?.next.status).toBe('review');
  });
});

describe('rule patterns as compiled (grouped by first character)', () => {
  it('groups plain leading characters into a trie and leaves quantified, escaped and bracketed starts alone', () => {
    expect(factorByFirstCharacter('no such|not our|(?:user unknown|unknown user)|\\bspf\\b|a?b|[xy]z')).toBe(
      'n(?:o(?: such|t our))|u(?:ser unknown|nknown user)|\\bspf\\b|a?b|[xy]z',
    );
  });

  it('matches exactly what the written pattern matches, for every rule and every test text', () => {
    const texts = [
      ...rows.map((row) => row[3]),
      ...diagnosticsCorpus().map((c) => c.diagnosticCode),
      ...sisimaiDevSet().map((c) => c.diagnosticCode),
      ...UNSEEN_SETS.flatMap((name) => unseenSet(name).map((c) => c.diagnosticCode)),
    ].map((text) => text.toLowerCase());
    let matches = 0;
    for (const rule of CLASSIFICATION_RULES) {
      if (!rule.text?.flags.includes('i')) continue;
      const written = new RegExp(rule.text.source.toLowerCase());
      const compiled = new RegExp(factorByFirstCharacter(rule.text.source.toLowerCase()));
      for (const text of texts) {
        const expected = written.test(text);
        if (expected) matches++;
        if (compiled.test(text) !== expected) expect({ rule: rule.id, text, expected }).toBeNull();
      }
    }
    expect(matches).toBeGreaterThan(300);
  });
});

describe('trigram gates before rule patterns', () => {
  const evidence = [
    ...rows.map(([, recipient, status, diagnosticCode, type]) => {
      const [bounceType, bounceSubType = 'General'] = type.split(':');
      return { recipient, status, diagnosticCode, bounceType, bounceSubType };
    }),
    ...diagnosticsCorpus(),
    ...sisimaiDevSet(),
    ...UNSEEN_SETS.flatMap((name) => unseenSet(name)),
  ];
  /** The rule input `classifyRecipient` builds from one recipient's evidence. */
  const inputOf = (e: (typeof evidence)[number]): RuleInput => {
    const reply = parseSmtpReply(e.diagnosticCode, e.status);
    const bounceType = e.bounceType ?? '';
    return {
      enhanced: reply.enhancedCode ?? '',
      smtp: reply.smtpCode === null ? '' : String(reply.smtpCode),
      text: reply.text,
      failureClass: failureClassOf(reply, bounceType),
      provider: providerOf(domainOf(normaliseAddress(e.recipient ?? '')), reply.text),
      bounceType,
      bounceSubType: e.bounceSubType ?? '',
    };
  };

  it('finds the literal every match of an alternative contains', () => {
    expect(requiredLiteral('ip ?name lookup failed')).toBe('name lookup failed');
    expect(requiredLiteral('<[^<>\\s]*@(?:[\\w-]+\\.)*amazonses\\.com>')).toBe('amazonses.com>');
    expect(requiredLiteral('helo[^.;]{0,30}(?:rejected|invalid)')).toBe('helo');
    expect(requiredLiteral('\\bptr\\b')).toBe('ptr');
    expect(requiredLiteral('bo[iî]te (?:aux lettres )?(?:est )?pleine')).toBe('pleine');
    expect(requiredLiteral('ab+cde')).toBe('cde');
    expect(requiredLiteral('\\bip(?: address)? blocked')).toBe(' blocked');
    expect(trigramGate('\\bip(?: address)?')).toBeNull();
  });

  it('never keeps a rule from a text its pattern matches, and skips most patterns that cannot match', () => {
    const inputs = evidence.map(inputOf);
    let matched = 0;
    let skipped = 0;
    for (const rule of CLASSIFICATION_RULES) {
      if (rule.text === undefined) continue;
      // The rule's text condition alone, so its gate and pattern decide.
      const textOnly = [{ id: rule.id, category: rule.category, text: rule.text }];
      for (const input of inputs) {
        const expected = firstMatchingRule(input, textOnly, false)?.id;
        const gated = firstMatchingRule(input, textOnly, true)?.id;
        if (gated !== expected) expect({ rule: rule.id, text: input.text, expected, gated }).toBeNull();
        if (expected !== undefined) matched++;
        else if (rule.text.flags.includes('i') && trigramGate(rule.text.source.toLowerCase()) !== null) skipped++;
      }
    }
    expect(matched).toBeGreaterThan(300);
    expect(skipped).toBeGreaterThan(5000);
  });

  it('gives every corpus, held-out and table text the same rule with and without gates', () => {
    const differences = evidence
      .map(inputOf)
      .map((input) => ({
        text: input.text,
        gated: firstMatchingRule(input)?.id,
        ungated: firstMatchingRule(input, CLASSIFICATION_RULES, false)?.id,
      }))
      .filter((r) => r.gated !== r.ungated);
    expect(evidence.length).toBeGreaterThan(500);
    expect(differences).toEqual([]);
  });
});
