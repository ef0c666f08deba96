import { alertSubject, alertText } from '../../shared/app/alert-text.js';
import { campaignHealth, type Finding, type FindingPattern } from '../../shared/domain/index.js';

/** One example campaign per finding, as docs/health.md shows them. */
const EXAMPLES: Array<{ pattern: FindingPattern; totals: Record<string, number>; delays?: Parameters<typeof campaignHealth>[1] }> = [
  { pattern: 'hard-bounce-rate', totals: { sends: 1000, deliveries: 970, hardBounces: 30 } },
  {
    pattern: 'reputation-across-providers',
    totals: { sends: 2000, deliveries: 1990, blocks: 10, 'blocks|reputation|gmail': 6, 'blocks|reputation|outlook': 4 },
  },
  {
    pattern: 'mailbox-full-concentration',
    totals: {
      sends: 3000,
      deliveries: 2950,
      'sends|batch|import-2019': 1000,
      'mailboxFull|batch|import-2019': 27,
      'mailboxFull|batch|fresh': 3,
    },
  },
  { pattern: 'complaint-rate', totals: { sends: 20_000, deliveries: 20_000, complaints: 24 } },
  {
    pattern: 'domain-timeouts',
    totals: { sends: 500, deliveries: 480 },
    delays: {
      delays: [
        { domain: 'mx.slow.example', timeouts: 9, recipients: 6, firstAt: '2026-11-25T06:00:00.000Z', lastAt: '2026-11-25T11:30:00.000Z' },
      ],
    },
  },
];

/** The subject and text of each example's alert, as the health job writes them. */
export function alertExamples(link: string): Array<{ pattern: FindingPattern; subject: string; text: string }> {
  return EXAMPLES.map(({ pattern, totals, delays }) => {
    const finding = campaignHealth(totals, delays).findings.find((f) => f.pattern === pattern) as Finding;
    return {
      pattern,
      subject: alertSubject('spring-sale', finding, finding.verdict),
      text: alertText({
        campaign: 'spring-sale',
        finding,
        verdict: finding.verdict,
        previous: null,
        window: "the last 24 hours or the campaign's lifetime",
        link,
      }),
    };
  });
}
