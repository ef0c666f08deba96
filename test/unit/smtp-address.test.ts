import { describe, expect, it } from 'vitest';
import { failureClassOf, isValidAddress, maskAddress, normaliseAddress, parseSmtpReply, providerOf } from '../../shared/domain/index.js';

describe('parseSmtpReply', () => {
  it.each([
    ['smtp; 550 5.1.1 user unknown', null, 550, '5.1.1', 'user unknown'],
    ['smtp; 550-5.1.1 The email account does not exist', '5.1.1', 550, '5.1.1', 'The email account does not exist'],
    ['smtp; 550 5.1.1 sorry, no mailbox here by that name. (#5.1.1)', null, 550, '5.1.1', 'sorry, no mailbox here by that name. (#5.1.1)'],
    ['smtp; 550 sorry, no mailbox here by that name. (#5.1.1)', null, 550, '5.1.1', 'sorry, no mailbox here by that name. (#5.1.1)'],
    ['smtp; 4.4.7 Message expired <421 4.4.0 Unable to connect>', '4.4.7', null, '4.4.7', 'Message expired <421 4.4.0 Unable to connect>'],
    ['smtp; 554 delivery error: dd Sorry (554.30)', '5.0.0', 554, '5.0.0', 'delivery error: dd Sorry (554.30)'],
    ['smtp; 421 4.7.0 [TS01] from 203.0.113.7 - 4.16.55.1; see x', '4.7.0', 421, '4.7.0', '[TS01] from 203.0.113.7 - 4.16.55.1; see x'],
    ['x-postfix; host 5.6.7.8 said: 550 hello', null, null, null, 'host 5.6.7.8 said: 550 hello'],
    ['', '5.2.2', null, '5.2.2', ''],
    [null, null, null, null, ''],
  ] as const)('%s', (diagnostic, status, smtpCode, enhancedCode, text) => {
    expect(parseSmtpReply(diagnostic, status)).toEqual({ smtpCode, enhancedCode, text });
  });

  it('prefers SES status when the text only has a generic X.0.0', () => {
    expect(parseSmtpReply('smtp; 550 5.0.0 rejected', '5.1.1').enhancedCode).toBe('5.1.1');
  });

  it('prefers the remote text over SES status when both are specific', () => {
    expect(parseSmtpReply('smtp; 550 5.7.1 No such user!', '5.1.1').enhancedCode).toBe('5.7.1');
  });

  it('normalises leading zeros in a status', () => {
    expect(parseSmtpReply('', '5.1.01').enhancedCode).toBe('5.1.1');
  });
});

describe('failureClassOf', () => {
  it('trusts codes over the SES label', () => {
    expect(failureClassOf(parseSmtpReply('smtp; 552 5.2.2 full'), 'Transient')).toBe('permanent');
    expect(failureClassOf(parseSmtpReply('smtp; 452 4.2.2 full'), 'Permanent')).toBe('transient');
    expect(failureClassOf(parseSmtpReply(''), 'Permanent')).toBe('permanent');
    expect(failureClassOf(parseSmtpReply(''), 'Undetermined')).toBe('undetermined');
  });
});

describe('addresses', () => {
  it.each([
    ['  Kim.Lee@GMAIL.com ', 'kim.lee@gmail.com'],
    ['"Kim Lee" <Kim@Example.ORG>', 'kim@example.org'],
    ['mailto:bob@example.com', 'bob@example.com'],
    ['dave+news@example.com', 'dave+news@example.com'],
  ])('normalises %j', (raw, expected) => {
    expect(normaliseAddress(raw)).toBe(expected);
  });

  it.each([
    ['kim@gmail.com', true],
    ['a.b-c+d@sub.example.co.uk', true],
    ['nick@@example.org', false],
    ['no-at-sign.example.org', false],
    ['.dot@example.org', false],
    ['two..dots@example.org', false],
    ['a@localhost', false],
    ['a b@example.org', false],
    ['a@-bad-.example', false],
    [`${'x'.repeat(65)}@example.org`, false],
  ])('validates %j', (address, valid) => {
    expect(isValidAddress(address)).toBe(valid);
  });

  it('masks the local part for logs', () => {
    expect(maskAddress('kim.lee@gmail.com')).toBe('k***@gmail.com');
    expect(maskAddress('broken')).toBe('***');
  });
});

describe('providerOf', () => {
  it.each([
    ['gmail.com', '', 'gmail'],
    ['hotmail.co.uk', '', 'microsoft'],
    ['aol.com', '', 'yahoo'],
    ['me.com', '', 'apple'],
    ['web.de', '', 'gmx'],
    ['acme.example', '550 5.7.1 ... - gsmtp', 'gmail'],
    ['acme.example', '550 5.4.1 Access denied AS(201806281) [x.prod.outlook.com]', 'microsoft'],
    ['acme.example', 'user unknown', 'other'],
    ['livejournal.com', '', 'other'],
  ])('%s', (domain, text, provider) => {
    expect(providerOf(domain, text)).toBe(provider);
  });
});
