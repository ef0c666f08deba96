import { family, type Knowledge } from '../wording.js';

export const AUTHENTICATION = family(
  /\bDMARC\b|\bSPF\b|\bDKIM\b|sender policy framework|domainkeys|unauthenticated|not authenticated/,
  /authenticat(?:e|ion) (?:fail|results|required|information|checks)|fail(?:s|ed)? (?:to pass )?authentication/,
  /anti-?spoof|\bspoof/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 (DMARC)', "the providers' sender guidelines (Gmail, Yahoo, Microsoft)"],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-5.jsonl#rediff-550-570-spf-policy',
      status: '5.7.0',
      diagnosticCode: 'smtp; 550 5.7.0 message rejected per spf policy',
      rule: 'text-authentication',
      category: 'authentication-failure',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#forpsi-blocked-by-spf-510',
      status: '5.1.0',
      diagnosticCode: 'smtp; 550 5.1.0 0bcW1i00G0jifNx01bcmHa blocked by SPF',
      rule: 'text-authentication',
      category: 'authentication-failure',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-4.jsonl#ironport-550-571-spf-unauthorized-prohibited',
      status: '5.7.1',
      diagnosticCode: 'smtp; 550 #5.7.1 SPF unauthorized mail is prohibited.',
      rule: 'text-authentication',
      category: 'authentication-failure',
      action: 'investigate',
    },
  ],
};
