import type { Knowledge } from '../wording.js';

/** Outlook.com, Hotmail, Live and MSN (`outlook.` … match every country variant); Microsoft 365 shows itself in the reply. */
export const domains = ['outlook.', 'hotmail.', 'live.', 'msn.com', 'passport.com', 'windowslive.com'];
/** Exchange Online's NDR markers: RESOLVER.*, STOREDRV, protection.outlook, aka.ms links, AS(nnn) codes. */
export const replyMarker = new RegExp(
  [
    /outlook\.com|\bRESOLVER\.|\bSTOREDRV\b|\bprotection\.outlook|aka\.ms\//,
    /sender\.office\.com|go\.microsoft\.com|mail\.live\.com|\bAS\(\d+\)/,
  ]
    .map((part) => part.source)
    .join('|'),
  'i',
);
/** Outlook.com's block list of sending networks (its postmaster's S3150 / S3140). */
export const BLOCK_LIST = /\(S3150\)|\(S3140\)|network is on our block list/i;
/** Outlook.com postmaster codes of a refused sending host: SC-00x, OU-00x, DY-00x ("Unfortunately, messages from … weren't sent"). */
export const POSTMASTER_CODE = /(?:SC|OU|DY)-00\d\b/;
/** Edge blocking on directory lookup (DBEB, AS(201806281)): usually an unknown recipient, held for review. */
export const DIRECTORY_BLOCK = /AS\(201806281\)/;
/** Exchange recipient restrictions (RESOLVER.RST.*: a group limited to internal or authenticated senders), sizes aside. */
export const RECIPIENT_RESTRICTION = /RESOLVER\.RST\.(?!\w*SizeLimit)/;
/** Exchange's 5.4.1 "Recipient address rejected: Access denied". */
export const ACCESS_DENIED = /access denied/i;

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: [
    'Microsoft Learn, "Email non-delivery reports and SMTP errors in Exchange Online"',
    'Outlook.com postmaster (sendersupport.olc.protection.outlook.com)',
  ],
  examples: [
    {
      from: "test/unit/classify.test.ts#'outlook: SC-001'",
      recipient: 'a@hotmail.com',
      diagnosticCode: "smtp; 550 SC-001 (BAY004-MC1F53) Unfortunately, messages from 192.0.2.1 weren't sent.",
      rule: 'outlook-postmaster-code',
      provider: 'microsoft',
      category: 'reputation-block',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/corpus/sisimai-dev.jsonl#sd84',
      recipient: 'user122@example.org',
      diagnosticCode:
        "smtp; 550 NN-222 (NEKO-CAT-222) Unfortunately, messages from 203.0.113.2 weren't sent. Please " +
        'contact your Internet service provider since part of their network is on our block list. You can ' +
        'also refer your provider to http://example.com/neko/nyaan.html#errors.',
      rule: 'outlook-block-list',
      provider: 'other',
      category: 'reputation-block',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-2.jsonl#exo-5.4.1-access-denied-as201806281',
      recipient: 'r.ivanova@contoso.example',
      status: '5.4.1',
      diagnosticCode:
        'smtp; 550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [SJ1PEPF00001CE3.namprd03.prod.outlook.com]',
      rule: 'microsoft-dbeb-access-denied',
      provider: 'microsoft',
      category: 'recipient-policy-block',
      action: 'review',
    },
    {
      from: 'test/fixtures/unseen-diagnostics.jsonl#exchange-5.7.1-notauthorized',
      recipient: 'all-staff@contoso.example',
      status: '5.7.1',
      diagnosticCode: 'smtp; 550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized',
      rule: 'microsoft-recipient-restriction',
      provider: 'microsoft',
      category: 'recipient-policy-block',
      action: 'review',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-2.jsonl#barracuda-relayed-5.4.1-access-denied',
      recipient: 'mia.t@example.com',
      status: '5.4.1',
      diagnosticCode: 'smtp; 550 cuda_nsu 5.4.1 [mia.t@example.com]: Recipient address rejected: Access denied [example.com]',
      rule: 'microsoft-access-denied',
      provider: 'other',
      category: 'recipient-policy-block',
      action: 'review',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#exchange-553-recip-limit',
      recipient: 'all-staff@example.org',
      status: '5.5.3',
      diagnosticCode: 'smtp; 550 5.5.3 RESOLVER.ADR.RecipLimit',
      rule: 'text-sending-limit',
      provider: 'microsoft',
      category: 'sending-limit',
      action: 'investigate',
    },
  ],
};
