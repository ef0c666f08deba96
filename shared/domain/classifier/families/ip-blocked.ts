import { family, type Knowledge } from '../wording.js';

export const IP_BLOCKED = family(
  /\bIP(?: address)? (?:has been |is |was )?(?:temporarily |permanently )?(?:blocked|banned|blacklisted|blocklisted)/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ["providers' block replies naming the sending IP (Spamhaus, Microsoft, Yahoo postmaster pages)"],
  examples: [
    {
      from: 'test/fixtures/corpus/sisimai-dev.jsonl#sd149',
      status: '5.1.1',
      diagnosticCode: 'SMTP; 550 5.7.1 IP address blacklisted by recipient',
      rule: 'text-ip-blocked',
      category: 'reputation-block',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-2.jsonl#godaddy-ib110-temp-block-spam-content',
      diagnosticCode:
        'smtp; 554 This IP has been temporarily blocked for attempting to send too many messages containing ' +
        'content judged to be spam by the Internet community. IB110',
      rule: 'text-ip-blocked',
      category: 'reputation-block',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-5.jsonl#exo-550-571-blocklist-zap',
      status: '5.7.1',
      diagnosticCode:
        'smtp; 550 5.7.1 :127.0.0.5:Client host 192.0.2.6 blocked using 88.blocklist.zap; Mail from IP ' +
        'banned. To request removal from this list please forward this message to ' +
        'delist@messaging.microsoft.com',
      rule: 'text-ip-blocked',
      category: 'reputation-block',
      action: 'investigate',
    },
  ],
};
