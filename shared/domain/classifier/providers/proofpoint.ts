import type { Knowledge } from '../wording.js';

/** Proofpoint's gateway (pphosted.com), in front of companies' own domains. */
export const replyMarker = /proofpoint|pphosted/i;

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['Proofpoint Essentials / pphosted gateways'],
  examples: [
    {
      from: 'test/fixtures/corpus/diagnostics.jsonl#proofpoint-blocked',
      recipient: 'cfo@bigcorp.example',
      status: '5.7.1',
      diagnosticCode: 'smtp; 554 5.7.1 [203.0.113.7] Blocked - see https://ipcheck.proofpoint.com/?ip=203.0.113.7',
      rule: 'text-reputation',
      provider: 'proofpoint',
      category: 'reputation-block',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics.jsonl#proofpoint-dnsbl-5.7.0',
      recipient: 'cfo@bigcorp.example',
      status: '5.7.0',
      diagnosticCode: 'smtp; 554 5.7.0 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=203.0.113.7',
      rule: 'text-reputation',
      provider: 'proofpoint',
      category: 'reputation-block',
      action: 'investigate',
    },
  ],
};
