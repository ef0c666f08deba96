import { describe, expect, it } from 'vitest';
import {
  BOUNCE_CATEGORIES,
  CATEGORY_POLICY,
  classifyRecipient,
  CLASSIFICATION_RULES,
  type BounceCategory,
} from '../../shared/domain/index.js';

type Row = readonly [
  name: string,
  recipient: string,
  status: string | null,
  diagnosticCode: string,
  bounceType: string,
  expected: BounceCategory,
];

// Real wordings, most of them *not* in the corpus: the rules must follow meaning, not lines.
const rows: readonly Row[] = [
  // traps named in the issue
  ['yandex no such user under 5.7.1', 'a@yandex.ru', '5.7.1', 'smtp; 550 5.7.1 No such user!', 'Permanent', 'invalid-address'],
  [
    'yahoo TSS09 permanently deferred',
    'a@yahoo.com',
    '5.7.2',
    'smtp; 553 5.7.2 [TSS09] All messages from 192.0.2.1 will be permanently deferred; Retrying will NOT succeed.',
    'Permanent',
    'reputation-block',
  ],
  [
    'aol 552 mailbox not found',
    'a@aol.com',
    null,
    'smtp; 552 1 Requested mail action aborted, mailbox not found',
    'Permanent',
    'invalid-address',
  ],
  [
    'gmx transaction failed policy',
    'a@gmx.de',
    null,
    'smtp; 554-Transaction failed Reject due to policy restrictions.',
    'Permanent',
    'reputation-block',
  ],
  // invalid-address wordings
  [
    'exchange RecipNotFound',
    'a@corp.example',
    '5.1.1',
    'smtp; 550 5.1.1 RESOLVER.ADR.RecipNotFound; not found',
    'Permanent',
    'invalid-address',
  ],
  [
    'postfix unknown user',
    'a@example.com',
    '5.1.1',
    'smtp; 550 5.1.1 <a@example.com>: Recipient address rejected: example.com: unknown user',
    'Permanent',
    'invalid-address',
  ],
  ['exim no such user without enhanced', 'a@example.com', null, 'smtp; 550 No Such User Here', 'Permanent', 'invalid-address'],
  [
    'account disabled without code',
    'a@example.com',
    null,
    'smtp; 554 30 Sorry, your message to a@example.com cannot be delivered. This account has been disabled or discontinued',
    'Permanent',
    'invalid-address',
  ],
  ['status only, no diagnostic', 'a@example.com', '5.1.1', '', 'Permanent', 'invalid-address'],
  [
    'mailbox unavailable under generic 5.0.0',
    'a@example.com',
    '5.0.0',
    'smtp; 550 Requested action not taken: mailbox unavailable',
    'Permanent',
    'invalid-address',
  ],
  ['551 user not local', 'a@example.com', null, 'smtp; 551 User not local', 'Permanent', 'invalid-address'],
  // invalid-domain
  ['domain not found', 'a@nowhere.example', '5.1.2', 'smtp; 550 5.1.2 Domain not found', 'Permanent', 'invalid-domain'],
  ['null MX', 'a@nomail.example', '5.1.10', 'smtp; 556 5.1.10 Recipient address has null MX', 'Permanent', 'invalid-domain'],
  // mailbox full
  [
    '552 storage allocation',
    'a@example.com',
    null,
    'smtp; 552 Requested mail action aborted: exceeded storage allocation',
    'Permanent',
    'mailbox-full-permanent',
  ],
  [
    '452 4.2.2 over quota temp',
    'a@example.com',
    '4.2.2',
    'smtp; 452 4.2.2 User is over quota, try again later',
    'Transient',
    'mailbox-full',
  ],
  ['SES labelled transient but 5.2.2', 'a@example.com', '5.2.2', 'smtp; 552 5.2.2 Mailbox full', 'Transient', 'mailbox-full-permanent'],
  // malformed
  [
    '553 mailbox name not allowed',
    'a@example.com',
    null,
    'smtp; 553 Requested action not taken: mailbox name not allowed',
    'Permanent',
    'malformed-address',
  ],
  // recipient policy
  [
    'exchange auth required group',
    'all@corp.example',
    '5.7.1',
    'smtp; 550 5.7.1 RESOLVER.RST.AuthRequired; authentication required [Stage: CreateMessage]',
    'Permanent',
    'recipient-policy-block',
  ],
  [
    'microsoft DBEB 5.4.1',
    'a@corp.example',
    '5.4.1',
    'smtp; 550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [X.prod.outlook.com]',
    'Permanent',
    'recipient-policy-block',
  ],
  // reputation
  [
    'spamcop listed',
    'a@example.com',
    '5.7.1',
    'smtp; 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using bl.spamcop.net',
    'Permanent',
    'reputation-block',
  ],
  [
    'sorbs under 5.0.0',
    'a@example.com',
    '5.0.0',
    'smtp; 550 Rejected: 192.0.2.1 listed at dnsbl.sorbs.net',
    'Permanent',
    'reputation-block',
  ],
  [
    'outlook 5.7.708 tenant',
    'a@corp.example',
    '5.7.708',
    'smtp; 550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.',
    'Permanent',
    'reputation-block',
  ],
  [
    'gmail 421 4.7.0 low reputation temp',
    'a@gmail.com',
    '4.7.0',
    'smtp; 421-4.7.0 This message is suspicious due to the very low reputation of the sending domain.',
    'Transient',
    'reputation-block',
  ],
  ['bare 5.7.1 policy', 'a@example.com', '5.7.1', 'smtp; 550 5.7.1 Message rejected', 'Permanent', 'reputation-block'],
  [
    'yahoo TSS04 421',
    'a@yahoo.com',
    '4.7.0',
    'smtp; 421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints',
    'Transient',
    'reputation-block',
  ],
  // authentication
  [
    'SPF fail',
    'a@example.com',
    '5.7.23',
    'smtp; 550 5.7.23 The message was rejected because of Sender Policy Framework violation',
    'Permanent',
    'authentication-failure',
  ],
  [
    'sender verify failed (not the recipient)',
    'a@example.com',
    '5.1.1',
    'smtp; 550 5.1.1 <news@mail.example.com>: Sender address rejected: User unknown in local recipient table',
    'Permanent',
    'authentication-failure',
  ],
  [
    'gmail 4.7.26 unauthenticated temp',
    'a@gmail.com',
    '4.7.26',
    'smtp; 421-4.7.26 This mail has been rate limited because it is unauthenticated.',
    'Transient',
    'authentication-failure',
  ],
  // content
  ['virus', 'a@example.com', '5.7.0', 'smtp; 554 5.7.0 Reject, id=12345 - INFECTED: Eicar-Test-Signature', 'Permanent', 'content-rejected'],
  ['message too large', 'a@example.com', '5.2.3', 'smtp; 552 5.2.3 Message exceeds maximum fixed size', 'Permanent', 'content-rejected'],
  ['SES MessageTooLarge label only', 'a@example.com', null, '', 'Permanent:MessageTooLarge', 'content-rejected'],
  // transaction failed
  ['554 5.0.0 unrecognised', 'a@example.com', '5.0.0', 'smtp; 554 5.0.0 Service unavailable', 'Permanent', 'transaction-failed'],
  // temporary
  [
    '421 too many connections',
    'a@example.com',
    '4.7.0',
    'smtp; 421 4.7.0 Too many concurrent SMTP connections; please try again later.',
    'Transient',
    'service-unavailable',
  ],
  [
    '451 local error',
    'a@example.com',
    null,
    'smtp; 451 Requested action aborted: local error in processing',
    'Transient',
    'service-unavailable',
  ],
  [
    '450 mailbox unavailable is temporary',
    'a@example.com',
    null,
    'smtp; 450 Requested mail action not taken: mailbox unavailable',
    'Transient',
    'mailbox-busy',
  ],
  [
    '4xx user unknown is never suppressed',
    'a@example.com',
    '4.1.1',
    'smtp; 450 4.1.1 <a@example.com>: Recipient address rejected: User unknown (temporary lookup failure)',
    'Transient',
    'service-unavailable',
  ],
  [
    '4.4.3 dns temp failure',
    'a@example.com',
    '4.4.3',
    'smtp; 4.4.3 Host or domain name not found. Name service error',
    'Transient',
    'connection-timeout',
  ],
  ['SES transient general, no text', 'a@example.com', null, '', 'Transient', 'service-unavailable'],
  // SES facts
  [
    'SES suppressed label',
    'a@example.com',
    '5.1.1',
    'Amazon SES has suppressed sending to this address',
    'Permanent:Suppressed',
    'already-suppressed',
  ],
  ['SES NoEmail label only', 'a@example.com', null, '', 'Permanent:NoEmail', 'invalid-address'],
  // unknown
  ['permanent general with nothing', 'a@example.com', null, '', 'Permanent', 'unknown'],
  ['bare 550 unrecognised', 'a@example.com', null, 'smtp; 550 Administrative prohibition', 'Permanent', 'unknown'],
  ['undetermined with user unknown text only', 'a@example.com', null, 'user unknown', 'Undetermined', 'unknown'],
];

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
      [
        'already-suppressed',
        'complaint',
        'invalid-address',
        'invalid-domain',
        'mailbox-full-permanent',
        'malformed-address',
        'transaction-failed',
      ].sort(),
    );
  });
});
