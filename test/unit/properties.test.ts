import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  BOUNCE_CATEGORIES,
  classifyRecipient,
  OUTCOME_CATEGORIES,
  parseNotification,
  recipientOutcomes,
} from '../../shared/domain/index.js';
import { classifyText } from '../../cli/classify.js';

const categories: readonly string[] = [...BOUNCE_CATEGORIES, ...OUTCOME_CATEGORIES];

const smtpish = fc.oneof(
  fc.string(),
  fc
    .tuple(fc.constantFrom('smtp; ', '', 'x-postfix; '), fc.integer({ min: 200, max: 599 }), fc.constantFrom(' ', '-'), fc.string())
    .map(([p, c, s, t]) => `${p}${c}${s}${t}`),
  fc
    .tuple(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 999 }), fc.string())
    .map(([a, b, c, t]) => `smtp; 550 ${a}.${b}.${c} ${t}`),
);

const bounceLike = fc.record(
  {
    eventType: fc.constantFrom('Bounce', 'Complaint', 'Delivery', 'Send', 'Reject', 'DeliveryDelay', 'Open', 7),
    mail: fc.record(
      { messageId: fc.string(), timestamp: fc.string(), tags: fc.anything(), destination: fc.anything() },
      { requiredKeys: [] },
    ),
    bounce: fc.record(
      {
        feedbackId: fc.string(),
        bounceType: fc.string(),
        bouncedRecipients: fc.array(fc.record({ emailAddress: fc.string(), status: fc.anything(), diagnosticCode: smtpish })),
      },
      { requiredKeys: [] },
    ),
    complaint: fc.anything(),
    delivery: fc.anything(),
  },
  { requiredKeys: [] },
);

describe('properties', () => {
  it('classifyRecipient never throws and always decides', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.option(fc.string()),
        smtpish,
        fc.option(fc.string()),
        fc.option(fc.string()),
        (recipient, status, diagnosticCode, bounceType, bounceSubType) => {
          const decision = classifyRecipient({ recipient, status, diagnosticCode, bounceType, bounceSubType });
          expect(categories).toContain(decision.category);
          expect(ACTIONS).toContain(decision.action);
          expect(decision.rule.length).toBeGreaterThan(0);
          // A transient failure is never suppressed.
          if (decision.failureClass === 'transient') expect(decision.suppress).toBe(false);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('parseNotification never throws on arbitrary JSON, strings or shapes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.string(),
          fc.json(),
          bounceLike,
          bounceLike.map((b) => JSON.stringify({ Type: 'Notification', Message: JSON.stringify(b) })),
        ),
        (input) => {
          const result = parseNotification(input);
          if (result.ok && result.value.kind === 'event') {
            for (const outcome of recipientOutcomes(result.value.event)) {
              expect(categories).toContain(outcome.decision.category);
              expect(ACTIONS).toContain(outcome.decision.action);
            }
          } else if (!result.ok) {
            expect(result.error.reason.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('a CLI line never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          bounceLike.map((b) => JSON.stringify(b)),
        ),
        (line) => {
          const result = classifyText(line);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 2000 },
    );
  });
});
