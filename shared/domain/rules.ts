import type { BounceCategory, FailureClass, Provider } from './types.js';

/**
 * One classification rule. Every condition given must hold; the first rule
 * in the table that holds decides. The table's order *is* the precedence:
 *
 *   1. what SES itself knows (it never tried: suppression lists);
 *   2. provider-specific markers (Yahoo `[TSxx]`, Outlook `S3150`, …);
 *   3. families of wording that say more than any code (“no such user”
 *      under a 5.7.1, “blocked using Spamhaus” under a 5.5.0);
 *   4. the enhanced status code (RFC 3463, plus providers' extensions);
 *   5. weak wording that only means something under a generic code;
 *   6. the basic SMTP code;
 *   7. SES's bounce type and subtype, a fallback and never the truth.
 *
 * Adding a provider's string is one row here plus a test.
 */
export interface ClassificationRule {
  readonly id: string;
  readonly category: BounceCategory;
  /** Failure classes the rule applies to; all when absent. */
  readonly classes?: readonly FailureClass[];
  readonly providers?: readonly Provider[];
  /** Tested against the enhanced code, e.g. "5.1.1". */
  readonly enhanced?: RegExp;
  /** Tested against the basic code, e.g. "550". */
  readonly smtp?: RegExp;
  /** Tested against the remote text (codes removed). */
  readonly text?: RegExp;
  readonly sesBounceType?: readonly string[];
  readonly sesSubType?: readonly string[];
}

const PERMANENT: readonly FailureClass[] = ['permanent'];
const TRANSIENT: readonly FailureClass[] = ['transient'];
const NOT_PERMANENT: readonly FailureClass[] = ['transient', 'undetermined'];

// Families of wording. Each is one meaning, written the many ways MTAs say it.
const SENDER_SIDE =
  /sender address rejected|sender (?:verify|verification|domain)|(?:from|sender|envelope) (?:address|domain) (?:is )?(?:invalid|not (?:valid|found|exist)|does ?n[o']t exist|rejected)|(?:helo|ehlo)[^.;]{0,30}(?:rejected|invalid|not found)|cannot find your (?:reverse )?hostname|(?:ip|host) ?name lookup failed|reverse (?:dns|hostname|lookup)|\bPTR\b|\brDNS\b/i;
const AUTHENTICATION =
  /\bDMARC\b|\bSPF\b|\bDKIM\b|sender policy framework|domainkeys|unauthenticated|not authenticated|authenticat(?:e|ion) (?:fail|results|required|information|checks)|fail(?:s|ed)? (?:to pass )?authentication|anti-?spoof|\bspoof/i;
const RECIPIENT_POLICY =
  /restricted to (?:internal|authenticated)|only accepts? mail from|does not accept (?:external|mail from)|recipient address rejected: access denied/i;
const MALFORMED =
  /not a valid RFC[- ]?5?321 address|bad (?:recipient )?address syntax|(?:recipient|address|mailbox)[^.;]{0,30}(?:syntax (?:error|illegal|invalid)|malformed|illegal characters?)|syntax error in (?:recipient|address|mailbox)/i;
const INVALID_DOMAIN =
  /host (?:not found|unknown)|no mail ?hosts? for domain|domain (?:not found|name not found|does ?n[o']t exist|doesn'?t exist|has no (?:valid )?MX)|domain [\w.-]+ does ?n[o']t exist|DomainNonexistent|NonExistentDomain|\bNXDOMAIN\b|no MX (?:record|host)|null MX|unroutable domain/i;
const NO_SUCH_MAILBOX =
  /no such (?:user|mailbox|recipient|account|address|person|local user)|user(?:name)? (?:unknown|not found|does ?n[o']t exist|doesn'?t exist)|unknown (?:user|recipient|mailbox|local[- ]part|address)|recipient (?:unknown|not found|does ?n[o']t exist)|(?:mailbox|account|address|recipient|user|e-?mail)\b[^.;:]{0,40}\b(?:does not|doesn'?t|no longer) exists?|RecipientNotFound|not our customer|no mailbox (?:here|by that name)|mailbox (?:not found|does not exist)|(?:mailbox|account|user) (?:is |has been )?(?:disabled|deactivated|closed|terminated|discontinued)|(?:address|recipient|mailbox) (?:is )?marked as invalid|(?:address|recipient) rejected:\s*(?:inactive|disabled|deactivated)|(?:mailbox|account) (?:is )?(?:inactive|deactivated)|archived (?:recipient|mailbox|account)|not listed in (?:the )?[\w -]{0,30}directory|(?:doesn'?t|does not) have an? [\w.-]+ account|user not local|unrouteable address|invalid[- ](?:recipient|mailbox)|(?:address|mailbox|account|recipient|user|@[\w.-]+) (?:is )?no longer (?:valid|active|available|in use)/i;
const MAILBOX_FULL =
  /over ?quota|quota ?exceeded|exceeded (?:its |the |their )?(?:storage|quota)|(?:mailbox|inbox|mail ?box|account|user)[^.;]{0,30}\bfull\b|(?:mailbox|inbox|account) (?:size|storage) (?:limit|exceeded)|insufficient (?:disk )?(?:space|storage) (?:for|in) (?:the )?(?:user|mailbox)|exceeded storage allocation|quota violation|exhausted[^.;]{0,20}(?:storage|quota|space)/i;
const CONTENT =
  /malware|virus|infected|attachment|macros?\b|message size|size (?:limit|exceeds|exceeded)|maximum (?:e-?mail |message )?size|exceeds?[^.;]{0,30}size|SizeLimit|too (?:large|big)|message content|content (?:presents|rejected|filter|policy|restrictions?|denied)|content (?:judged|deemed|considered|identified) (?:to be |as )?spam|prohibited (?:content|file)|banned (?:content|attachment|file)|executable|phishing|message integrity|headers? (?:are |is )?not (?:rfc|valid)|not rfc ?5322 compliant|message not allowed/i;
const REPUTATION =
  /blocked using|block ?list|black ?list|deny ?list|spamhaus|spamcop|barracuda|\bsorbs\b|\bRBLs?\b|\bDNSBLs?\b|uceprotect|proofpoint|ipcheck|cloudmark|reputation|unsolicited|\bspam\b|(?:listed|found) (?:at|in|on|by) (?:one or more |the )?(?:[\w.-]+ )?(?:dnsbl|rbl|block ?list|black ?list|spamhaus|sorbs|spamcop)|listed (?:at|in|on|by)|banned send(?:er|ing)|(?:temporarily|permanently) deferred|deferred due to|user complaints|polic(?:y|ies) (?:reasons|restrictions|violation)|(?:local|security|content) policy|due to policy|(?:rejected|refused|not accepted|blocked)[^.;]{0,30}polic(?:y|ies)|suspicious|\bblocked\b|\bblacklisted\b/i;
const SERVER_BUSY =
  /server (?:is )?(?:too )?busy|too many (?:connections|concurrent|sessions)|(?:maximum|too many) (?:number of )?connections|try (?:again )?later|resources? (?:temporarily )?unavailable/i;
const RECEIVE_RATE =
  /receiving mail (?:at a rate|too quickly)|limit for the number of messages[^.;]{0,40}receive|receiv\w* (?:too many messages|rate limit)|too many messages (?:for|to) (?:this|the) (?:user|recipient|mailbox)/i;
const CONNECTION =
  /(?:unable|not able|wasn'?t able|failed|could ?n[o']t|cannot) to (?:establish|make|open|connect)[^.;]{0,20}(?:connection|remote|host|server)?|connection (?:timed out|refused|reset|lost|dropped)|timed out|queue too long|message expired/i;
const WEAK_NO_MAILBOX =
  /mailbox (?:is )?(?:unavailable|not available)|not a valid (?:mailbox|recipient)|recipient (?:rejected|not accepted)/i;

export const CLASSIFICATION_RULES: readonly ClassificationRule[] = [
  // 1. SES did not attempt delivery.
  { id: 'ses-suppression-list', category: 'already-suppressed', sesSubType: ['Suppressed', 'OnAccountSuppressionList'] },
  { id: 'ses-suppression-text', category: 'already-suppressed', text: /^Amazon SES (?:has suppressed|did not send)/ },
  { id: 'ses-unsubscribed', category: 'already-suppressed', sesSubType: ['UnsubscribedRecipient'] },

  // 2. Provider markers: each names its meaning exactly.
  { id: 'yahoo-ts-deferral', category: 'reputation-block', text: /\[TSS?\d{2}\]/ },
  { id: 'outlook-block-list', category: 'reputation-block', text: /\(S3150\)|\(S3140\)|network is on our block list/i },
  { id: 'apple-cs-policy', category: 'reputation-block', text: /\[CS\d{2}\]/ },
  { id: 't-online-block-list', category: 'reputation-block', providers: ['t-online'], text: /\(BL\)|A problem occurred/ },
  // Microsoft edge blocking on directory lookup: usually an unknown recipient, but held for review.
  { id: 'microsoft-dbeb-access-denied', category: 'recipient-policy-block', enhanced: /^5\.4\.1$/, text: /AS\(201806281\)/ },
  // Exchange recipient restrictions (group limited to internal or authenticated senders).
  { id: 'microsoft-recipient-restriction', category: 'recipient-policy-block', text: /RESOLVER\.RST\.(?!\w*SizeLimit)/ },
  { id: 'microsoft-access-denied', category: 'recipient-policy-block', enhanced: /^5\.4\.1$/, text: /access denied/i },

  // 3. Families of wording that outrank codes.
  { id: 'text-sender-setup', category: 'authentication-failure', text: SENDER_SIDE },
  { id: 'text-authentication', category: 'authentication-failure', text: AUTHENTICATION },
  { id: 'text-recipient-policy', category: 'recipient-policy-block', text: RECIPIENT_POLICY },
  { id: 'text-malformed-address', category: 'malformed-address', classes: PERMANENT, text: MALFORMED },
  { id: 'text-invalid-domain', category: 'invalid-domain', classes: PERMANENT, text: INVALID_DOMAIN },
  { id: 'text-no-such-mailbox', category: 'invalid-address', classes: PERMANENT, text: NO_SUCH_MAILBOX },
  { id: 'text-mailbox-full-permanent', category: 'mailbox-full-permanent', classes: PERMANENT, text: MAILBOX_FULL },
  { id: 'text-mailbox-full', category: 'mailbox-full', classes: NOT_PERMANENT, text: MAILBOX_FULL },
  // The sending IP itself is blocked: a reputation matter even when the reason given is content.
  {
    id: 'text-ip-blocked',
    category: 'reputation-block',
    text: /\bIP(?: address)? (?:has been |is |was )?(?:temporarily |permanently )?(?:blocked|banned|blacklisted|blocklisted)/i,
  },
  { id: 'text-content', category: 'content-rejected', text: CONTENT },
  { id: 'text-reputation', category: 'reputation-block', text: REPUTATION },
  // Load shedding said in words, under a code no sharper than "system" or "policy".
  { id: 'text-server-busy', category: 'service-unavailable', classes: TRANSIENT, enhanced: /^(?:4\.[0347]\.\d+)?$/, text: SERVER_BUSY },
  // The recipient receives too much mail right now: the address works (Gmail says it with a 5.2.1).
  { id: 'text-receive-rate', category: 'mailbox-busy', text: RECEIVE_RATE },
  // The receiving server could not be reached in time (SES expiry texts quote the last reply).
  { id: 'text-connection', category: 'connection-timeout', classes: NOT_PERMANENT, enhanced: /^(?:4\.\d+\.\d+)?$/, text: CONNECTION },

  // 4. Enhanced status codes (RFC 3463 and the providers' extensions of X.7.x).
  { id: 'code-bad-mailbox', category: 'invalid-address', enhanced: /^5\.1\.(?:0|1|6|10)$/ },
  { id: 'code-bad-domain', category: 'invalid-domain', enhanced: /^5\.1\.2$/ },
  { id: 'code-bad-mailbox-syntax', category: 'malformed-address', enhanced: /^5\.1\.3$/ },
  { id: 'code-sender-address', category: 'authentication-failure', enhanced: /^[45]\.1\.[78]$/ },
  { id: 'code-address-temporary', category: 'service-unavailable', enhanced: /^4\.1\.\d+$/ },
  { id: 'code-mailbox-disabled', category: 'invalid-address', enhanced: /^5\.2\.1$/ },
  { id: 'code-mailbox-full-permanent', category: 'mailbox-full-permanent', enhanced: /^5\.2\.2$/ },
  { id: 'code-mailbox-full', category: 'mailbox-full', enhanced: /^4\.2\.2$/ },
  { id: 'code-message-too-big-for-mailbox', category: 'content-rejected', enhanced: /^[45]\.2\.3$/ },
  { id: 'code-mailbox-busy', category: 'mailbox-busy', enhanced: /^4\.2\.\d+$/ },
  { id: 'code-message-too-big', category: 'content-rejected', enhanced: /^[45]\.3\.4$/ },
  { id: 'code-system-temporary', category: 'service-unavailable', enhanced: /^4\.3\.\d+$/ },
  { id: 'code-congestion', category: 'service-unavailable', enhanced: /^4\.4\.5$/ },
  { id: 'code-network-temporary', category: 'connection-timeout', enhanced: /^4\.4\.\d+$/ },
  // 5.4.4 unable to route; Microsoft's 5.4.310 DNS domain does not exist.
  { id: 'code-unroutable-domain', category: 'invalid-domain', enhanced: /^5\.4\.(?:4|310)$/ },
  { id: 'code-recipient-access-denied', category: 'recipient-policy-block', enhanced: /^5\.4\.1$/ },
  { id: 'code-delivery-expired', category: 'connection-timeout', enhanced: /^5\.4\.7$/ },
  { id: 'code-protocol-temporary', category: 'service-unavailable', enhanced: /^4\.5\.\d+$/ },
  { id: 'code-content', category: 'content-rejected', enhanced: /^[45]\.6\.\d+$/ },
  // Microsoft: 5.7.509 DMARC reject, 5.7.515 sender domain below authentication requirements.
  { id: 'code-authentication', category: 'authentication-failure', enhanced: /^[45]\.7\.(?:2[0-7]|509|515)$/ },
  { id: 'code-message-integrity', category: 'content-rejected', enhanced: /^5\.7\.7$/ },
  { id: 'code-reputation-temporary', category: 'reputation-block', enhanced: /^4\.7\.(?:28|[56]\d\d)$/ },
  { id: 'code-policy-temporary', category: 'service-unavailable', enhanced: /^4\.7\.\d+$/ },
  { id: 'code-policy', category: 'reputation-block', enhanced: /^5\.7\.\d+$/ },

  // 5. Wording that only counts when the code says nothing sharper.
  { id: 'text-mailbox-unavailable', category: 'invalid-address', classes: PERMANENT, text: WEAK_NO_MAILBOX },

  // SES's content subtypes say more than a bare basic code (a 552 or 554 with no enhanced code).
  { id: 'ses-content', category: 'content-rejected', sesSubType: ['MessageTooLarge', 'ContentRejected', 'AttachmentRejected'] },

  // 6. Basic SMTP codes.
  { id: 'smtp-501-bad-address', category: 'malformed-address', smtp: /^501$/, classes: PERMANENT, text: /address|recipient|syntax/i },
  { id: 'smtp-551-user-not-local', category: 'invalid-address', smtp: /^551$/ },
  { id: 'smtp-552-storage', category: 'mailbox-full-permanent', smtp: /^552$/, classes: PERMANENT },
  { id: 'smtp-553-mailbox-name', category: 'malformed-address', smtp: /^553$/, classes: PERMANENT },
  { id: 'smtp-554-transaction-failed', category: 'transaction-failed', smtp: /^554$/, classes: PERMANENT },
  { id: 'smtp-450-mailbox-busy', category: 'mailbox-busy', smtp: /^450$/ },
  { id: 'smtp-4xx-temporary', category: 'service-unavailable', smtp: /^4\d\d$/ },

  // 7. SES's own labels.
  { id: 'ses-no-email', category: 'invalid-address', sesSubType: ['NoEmail'] },
  { id: 'ses-mailbox-full-permanent', category: 'mailbox-full-permanent', sesSubType: ['MailboxFull'], classes: PERMANENT },
  { id: 'ses-mailbox-full', category: 'mailbox-full', sesSubType: ['MailboxFull'] },
  { id: 'ses-transient', category: 'service-unavailable', classes: TRANSIENT },
];

/** The rule id used when nothing in the table holds. */
export const UNKNOWN_RULE_ID = 'no-rule-matched';
