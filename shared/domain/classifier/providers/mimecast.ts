import type { Knowledge } from '../wording.js';

/** Mimecast's gateway, in front of companies' own domains. */
export const replyMarker = /mimecast/i;

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['Mimecast SMTP error codes'],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-5.jsonl#mimecast-451-internal-resource-unavailable',
      recipient: 'authority@example.com',
      status: '4.0.0',
      diagnosticCode: 'smtp; 451 Internal resource temporarily unavailable - https://community.mimecast.com/docs/DOC-1369#451',
      bounceType: 'Transient',
      rule: 'text-server-busy',
      provider: 'mimecast',
      category: 'service-unavailable',
      action: 'retry',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-2.jsonl#mimecast-501-invalid-address',
      recipient: 'x@@example.org',
      diagnosticCode: 'smtp; 501 Invalid address - https://community.mimecast.com/docs/DOC-1369#501 [Zx9qT3kLQ2u4bR7wVn1aYw.us134]',
      rule: 'smtp-501-bad-address',
      provider: 'mimecast',
      category: 'malformed-address',
      action: 'suppress',
    },
  ],
};
