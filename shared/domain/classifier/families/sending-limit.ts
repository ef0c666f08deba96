import { family, type Knowledge } from '../wording.js';

// Sending limits of the sending account or relay, whatever code they come with (they say nothing about the address).
export const SENDING_LIMIT = family(
  /\brelay(?:ing)? quota|(?:sending|send|daily|hourly|message) (?:quota|limit)s? (?:has been |is )?(?:exceeded|reached)/,
  /(?:reached|exceeded) (?:your|the) (?:daily |hourly )?(?:relay |sending |message )?(?:quota|limit)/,
  // GoDaddy IB607 "has sent to too many recipients this hour" (GoDaddy help: bounce codes), Gmail 4.5.3.
  /too many recipients|sent to too many recipients|recipients? per (?:hour|day|minute|message)/,
  // Tencent QQ "IP / domain / sender / connection frequency limited" (service.mail.qq.com/detail/122/172-175), Mimecast
  // "Exceeding outbound thread limit" (Mimecast SMTP error codes), Netease "too many mails sent in a short time".
  /frequency limited|outbound thread limit|too many (?:mails|messages|e-?mails) (?:sent )?in a short time|you send too many messages/,
  // Exchange "550 5.5.3 RESOLVER.ADR.RecipLimit" (Sisimai Lhost/Exchange2007.pm: toomanyconn).
  /recip(?:ient)?limit/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: [
    'GoDaddy help (bounce codes, IB607)',
    'Gmail 4.5.3',
    'Tencent QQ (service.mail.qq.com/detail/122/172-175)',
    'Mimecast SMTP error codes',
    'NetEase',
    'Sisimai Lhost/Exchange2007.pm',
  ],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-4.jsonl#emailhost-cn-sending-quota-exceeded',
      diagnosticCode: 'smtp; sending quota exceeded',
      bounceType: 'Undetermined',
      bounceSubType: 'Undetermined',
      rule: 'text-sending-limit',
      category: 'sending-limit',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#docomo-552-too-many-recipients',
      status: '5.0.0',
      diagnosticCode: 'smtp; 552 Too many recipients',
      rule: 'text-sending-limit',
      category: 'sending-limit',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/corpus/sisimai-dev.jsonl#sd86',
      diagnosticCode: "smtp; 554 neko-22.nyaan.r.example.net : CAT : neko22 : CAT : You've reached your daily relay quota - 203.0.113.0",
      rule: 'text-sending-limit',
      category: 'sending-limit',
      action: 'investigate',
    },
  ],
};
