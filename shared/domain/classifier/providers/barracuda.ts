import type { Knowledge } from '../wording.js';

/** Barracuda's gateway, in front of companies' own domains. */
export const replyMarker = /barracuda/i;

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ["Barracuda gateways' replies"],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-5.jsonl#barracuda-554-blocked-reputation',
      recipient: 'f.kruesmann@example.ca',
      status: '5.0.0',
      diagnosticCode:
        'smtp; 554 Service unavailable; Client host [192.0.2.77] blocked using Barracuda Reputation; ' +
        'http://www.barracudanetworks.com/reputation/?r=1&ip=192.0.2.77',
      rule: 'text-reputation',
      provider: 'barracuda',
      category: 'reputation-block',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/corpus/diagnostics.jsonl#barracuda-reputation',
      recipient: 'sales@smallbiz.example',
      status: '5.7.1',
      diagnosticCode:
        'smtp; 554 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using Barracuda Reputation, ' +
        'http://www.barracudanetworks.com/reputation/?pr=1&ip=203.0.113.7',
      rule: 'text-reputation',
      provider: 'barracuda',
      category: 'reputation-block',
      action: 'investigate',
    },
  ],
};
