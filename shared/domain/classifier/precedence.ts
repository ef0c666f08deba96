import { AUTHENTICATION } from './families/authentication.js';
import { CLIENT_HOST } from './families/client-host.js';
import { CONNECTION } from './families/connection.js';
import { CONTENT } from './families/content.js';
import { DNS_TEMPORARY } from './families/dns-temporary.js';
import { INVALID_DOMAIN } from './families/invalid-domain.js';
import { IP_BLOCKED } from './families/ip-blocked.js';
import { LIST_QUALITY } from './families/list-quality.js';
import { MAIL_LOOP } from './families/mail-loop.js';
import { MAILBOX_FULL } from './families/mailbox-full.js';
import { MAILBOX_FULL_FOR_NOW } from './families/mailbox-full-for-now.js';
import { SUSPENDED_MAILBOX } from './families/mailbox-suspended.js';
import { WEAK_NO_MAILBOX } from './families/mailbox-unavailable.js';
import { MALFORMED } from './families/malformed-address.js';
import { NO_SUCH_MAILBOX } from './families/no-such-mailbox.js';
import { NOT_ACCEPTING_MAIL } from './families/not-accepting-mail.js';
import { RECEIVE_RATE } from './families/receive-rate.js';
import { RECIPIENT_POLICY } from './families/recipient-policy.js';
import { RELAY_OR_SUBMISSION } from './families/relay-or-submission.js';
import { REPUTATION } from './families/reputation.js';
import { SENDER_ADDRESS } from './families/sender-address.js';
import { SENDING_LIMIT } from './families/sending-limit.js';
import { SERVER_BUSY } from './families/server-busy.js';
import { SERVER_FAULT } from './families/server-fault.js';
import * as amazonSes from './providers/amazon-ses.js';
import * as apple from './providers/apple.js';
import * as microsoft from './providers/microsoft.js';
import * as netease from './providers/netease.js';
import * as tOnline from './providers/t-online.js';
import * as yahoo from './providers/yahoo.js';
import { NOT_PERMANENT, NOT_TRANSIENT, PERMANENT, TRANSIENT, type ClassificationRule } from './wording.js';

/*
 * The precedence table: which evidence wins over which, read top to bottom.
 * The first rule whose conditions all hold decides (`classes`: the failure
 * classes it applies to; `enhanced` / `smtp`: the codes; `text`: the reply's
 * words, a family of `families/` or a provider's marker of `providers/`).
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
 * Adding a provider's string is one part of a family or provider file, with
 * its source and an example row beside it.
 */
export const CLASSIFICATION_RULES: readonly ClassificationRule[] = [
  // 1. SES did not attempt delivery.
  { id: 'ses-suppression-list', category: 'already-suppressed', sesSubType: ['Suppressed', 'OnAccountSuppressionList'] },
  // The same said in SES's own text, when the subtype does not carry it.
  { id: 'ses-suppression-text', category: 'already-suppressed', text: amazonSes.SUPPRESSION_TEXT },
  // The recipient unsubscribed through SES: never mailed again.
  { id: 'ses-unsubscribed', category: 'already-suppressed', sesSubType: ['UnsubscribedRecipient'] },

  // 2. Provider markers: each names its meaning exactly.
  { id: 'yahoo-ts-deferral', category: 'reputation-block', text: yahoo.TS_DEFERRAL },
  // Outlook.com's S3150 / S3140: the sending network is on its block list.
  { id: 'outlook-block-list', category: 'reputation-block', text: microsoft.BLOCK_LIST },
  // iCloud's [CSxx]: a policy verdict on the sender.
  { id: 'apple-cs-policy', category: 'reputation-block', text: apple.CS_POLICY },
  // Outlook.com's SC-/OU-/DY-00x: its postmaster refuses the sending host.
  { id: 'outlook-postmaster-code', category: 'reputation-block', text: microsoft.POSTMASTER_CODE },
  // AOL's RLY:/DYN:/HVU:/CON: codes and IPTS0x: its postmaster refuses the sending host.
  { id: 'aol-postmaster-code', category: 'reputation-block', text: yahoo.AOL_POSTMASTER_CODE },
  // NetEase's anti-spam codes (HL:REP, DT:SPM, …) are all about the sending host or account.
  { id: 'netease-sender-code', category: 'reputation-block', text: netease.SENDER_CODE },
  // T-Online's block-list reply (postmaster.t-online.de), whatever domain it hosts.
  { id: 't-online-block-list', category: 'reputation-block', text: tOnline.BLOCK_LIST },
  // Microsoft edge blocking on directory lookup: usually an unknown recipient, but held for review.
  { id: 'microsoft-dbeb-access-denied', category: 'recipient-policy-block', enhanced: /^5\.4\.1$/, text: microsoft.DIRECTORY_BLOCK },
  // Exchange recipient restrictions (group limited to internal or authenticated senders).
  { id: 'microsoft-recipient-restriction', category: 'recipient-policy-block', text: microsoft.RECIPIENT_RESTRICTION },
  // Exchange's 5.4.1 "access denied": the recipient's organisation refuses, held for review.
  { id: 'microsoft-access-denied', category: 'recipient-policy-block', enhanced: /^5\.4\.1$/, text: microsoft.ACCESS_DENIED },

  // 3. Families of wording that outrank codes. First the subject (sender, transport, group), then the recipient.
  // X.1.7 / X.1.8 name the sender's address as the subject, whatever the text says about "no such domain".
  { id: 'code-sender-address', category: 'authentication-failure', enhanced: /^[45]\.1\.[78]$/ },
  // The sender's address or domain refused, in words (before any dead-sounding words about it).
  { id: 'text-sender-address', category: 'authentication-failure', text: SENDER_ADDRESS },
  // The sending host's own setup: HELO, reverse DNS, the SMTP dialogue.
  { id: 'text-sender-setup', category: 'authentication-failure', text: CLIENT_HOST },
  // Relay and submission rules: the sender must authenticate or encrypt.
  { id: 'text-relay-or-submission', category: 'authentication-failure', text: RELAY_OR_SUBMISSION },
  // SPF, DKIM, DMARC and spoofing: the sender's authentication.
  { id: 'text-authentication', category: 'authentication-failure', text: AUTHENTICATION },
  // Too many unknown recipients: the sender's list, not this address.
  { id: 'text-list-quality', category: 'reputation-block', text: LIST_QUALITY },
  // Under a 4xx the limit is simply retried (per-message recipient limits, Microsoft 4.5.3).
  { id: 'text-sending-limit', category: 'sending-limit', classes: NOT_TRANSIENT, text: SENDING_LIMIT },
  // A mail loop or hop count: a routing fault, never the address.
  { id: 'text-mail-loop', category: 'service-unavailable', text: MAIL_LOOP },
  // The recipient's own rules refuse this sender (members only, block lists): the address works.
  { id: 'text-recipient-policy', category: 'recipient-policy-block', text: RECIPIENT_POLICY },
  // The address's syntax is refused: permanent only.
  { id: 'text-malformed-address', category: 'malformed-address', classes: PERMANENT, text: MALFORMED },
  // A lookup that failed for now says nothing yet about the domain.
  { id: 'text-dns-temporary', category: 'service-unavailable', text: DNS_TEMPORARY },
  // The domain does not exist or has no mail host; a 4xx class vetoes it.
  { id: 'text-invalid-domain', category: 'invalid-domain', classes: NOT_TRANSIENT, text: INVALID_DOMAIN },
  // The host takes no mail at all (RFC 7504, null MX).
  { id: 'text-not-accepting-mail', category: 'invalid-domain', classes: NOT_TRANSIENT, text: NOT_ACCEPTING_MAIL },
  // The mailbox does not exist, in any server's words; a 4xx class vetoes it.
  { id: 'text-no-such-mailbox', category: 'invalid-address', classes: NOT_TRANSIENT, text: NO_SUCH_MAILBOX },
  // The mailbox is suspended, locked or disabled.
  { id: 'text-mailbox-suspended', category: 'invalid-address', classes: NOT_TRANSIENT, text: SUSPENDED_MAILBOX },
  // A full mailbox said to be temporary: retried whatever the code.
  { id: 'text-mailbox-full-for-now', category: 'mailbox-full', text: MAILBOX_FULL_FOR_NOW },
  // A full mailbox with a permanent class: suppressed.
  { id: 'text-mailbox-full-permanent', category: 'mailbox-full-permanent', classes: PERMANENT, text: MAILBOX_FULL },
  // A full mailbox otherwise: retried.
  { id: 'text-mailbox-full', category: 'mailbox-full', classes: NOT_PERMANENT, text: MAILBOX_FULL },
  // The sending IP itself is blocked: a reputation matter even when the reason given is content.
  { id: 'text-ip-blocked', category: 'reputation-block', text: IP_BLOCKED },
  // The message itself: size, attachments, malware, headers.
  { id: 'text-content', category: 'content-rejected', text: CONTENT },
  // Block lists, spam verdicts and local policy about the sender.
  { id: 'text-reputation', category: 'reputation-block', text: REPUTATION },
  // Load shedding said in words, under a code no sharper than "system" or "policy".
  { id: 'text-server-busy', category: 'service-unavailable', classes: TRANSIENT, enhanced: /^(?:4\.[0347]\.\d+)?$/, text: SERVER_BUSY },
  // The receiving system failed, under a code no sharper than "other" or "system" status.
  { id: 'text-server-fault', category: 'service-unavailable', enhanced: /^(?:[45]\.[03]\.\d+)?$/, text: SERVER_FAULT },
  // The recipient receives too much mail right now: the address works (Gmail says it with a 5.2.1).
  { id: 'text-receive-rate', category: 'mailbox-busy', text: RECEIVE_RATE },
  // The receiving server could not be reached in time (SES expiry texts quote the last reply).
  { id: 'text-connection', category: 'connection-timeout', classes: NOT_PERMANENT, enhanced: /^(?:4\.\d+\.\d+)?$/, text: CONNECTION },

  // 4. Enhanced status codes (RFC 3463 and the providers' extensions of X.7.x).
  { id: 'code-bad-mailbox', category: 'invalid-address', enhanced: /^5\.1\.(?:0|1|6|10)$/ },
  // X.1.2: bad destination system.
  { id: 'code-bad-domain', category: 'invalid-domain', enhanced: /^5\.1\.2$/ },
  // X.1.3: bad destination mailbox address syntax.
  { id: 'code-bad-mailbox-syntax', category: 'malformed-address', enhanced: /^5\.1\.3$/ },
  // 4.1.x: an address problem said to be temporary.
  { id: 'code-address-temporary', category: 'service-unavailable', enhanced: /^4\.1\.\d+$/ },
  // X.2.1: mailbox disabled, not accepting messages.
  { id: 'code-mailbox-disabled', category: 'invalid-address', enhanced: /^5\.2\.1$/ },
  // 5.2.2 mailbox full, said to be permanent.
  { id: 'code-mailbox-full-permanent', category: 'mailbox-full-permanent', enhanced: /^5\.2\.2$/ },
  // 4.2.2 mailbox full, for now.
  { id: 'code-mailbox-full', category: 'mailbox-full', enhanced: /^4\.2\.2$/ },
  // X.2.3: message longer than the mailbox takes.
  { id: 'code-message-too-big-for-mailbox', category: 'content-rejected', enhanced: /^[45]\.2\.3$/ },
  // Other 4.2.x: the mailbox, for now.
  { id: 'code-mailbox-busy', category: 'mailbox-busy', enhanced: /^4\.2\.\d+$/ },
  // X.3.4: message too big for the system.
  { id: 'code-message-too-big', category: 'content-rejected', enhanced: /^[45]\.3\.4$/ },
  // 4.3.x: the receiving system, for now.
  { id: 'code-system-temporary', category: 'service-unavailable', enhanced: /^4\.3\.\d+$/ },
  // 4.4.5: system congestion.
  { id: 'code-congestion', category: 'service-unavailable', enhanced: /^4\.4\.5$/ },
  // Other 4.4.x: network and routing, for now.
  { id: 'code-network-temporary', category: 'connection-timeout', enhanced: /^4\.4\.\d+$/ },
  // 5.4.4 unable to route; Microsoft's 5.4.310 DNS domain does not exist.
  { id: 'code-unroutable-domain', category: 'invalid-domain', enhanced: /^5\.4\.(?:4|310)$/ },
  // X.4.1 without Microsoft's wording: the recipient's side refuses, held for review.
  { id: 'code-recipient-access-denied', category: 'recipient-policy-block', enhanced: /^5\.4\.1$/ },
  // X.4.6 routing loop detected: a routing fault, retried.
  { id: 'code-routing-loop', category: 'service-unavailable', enhanced: /^5\.4\.6$/ },
  // X.4.7: delivery time expired.
  { id: 'code-delivery-expired', category: 'connection-timeout', enhanced: /^5\.4\.7$/ },
  // 4.5.x: the SMTP dialogue, for now.
  { id: 'code-protocol-temporary', category: 'service-unavailable', enhanced: /^4\.5\.\d+$/ },
  // X.6.x: the message's content or media.
  { id: 'code-content', category: 'content-rejected', enhanced: /^[45]\.6\.\d+$/ },
  // X.7.13 user account disabled (IANA SMTP enhanced status codes registry).
  { id: 'code-account-disabled', category: 'invalid-address', enhanced: /^5\.7\.13$/ },
  // Microsoft: 5.7.509 DMARC reject, 5.7.515 sender domain below authentication requirements.
  { id: 'code-authentication', category: 'authentication-failure', enhanced: /^[45]\.7\.(?:2[0-7]|509|515)$/ },
  // 5.7.7: message integrity failure.
  { id: 'code-message-integrity', category: 'content-rejected', enhanced: /^5\.7\.7$/ },
  // 4.7.28 and providers' 4.7.5xx / 4.7.6xx: rate or reputation of the sender.
  { id: 'code-reputation-temporary', category: 'reputation-block', enhanced: /^4\.7\.(?:28|[56]\d\d)$/ },
  // Other 4.7.x: a policy deferral, retried.
  { id: 'code-policy-temporary', category: 'service-unavailable', enhanced: /^4\.7\.\d+$/ },
  // Other 5.7.x: a policy refusal of the sender.
  { id: 'code-policy', category: 'reputation-block', enhanced: /^5\.7\.\d+$/ },

  // 5. Wording that only counts when the code says nothing sharper.
  { id: 'text-mailbox-unavailable', category: 'invalid-address', classes: PERMANENT, text: WEAK_NO_MAILBOX },
  // "Access denied" with no sharper code: the receiving side refuses this sender (Exim/Sendmail access lists).
  { id: 'text-access-denied', category: 'reputation-block', text: /\baccess denied\b/i },
  // Any other "policy" the receiving side applies, under a code no sharper than a basic one ("553 User defined policy
  // matched for <IP>": hardwaresecrets.com's bounce guide); a 5.1.1 with "policy error" stays a dead mailbox (Zoho).
  { id: 'text-policy', category: 'reputation-block', text: /\bpolic(?:y|ies)\b/i },

  // SES's content subtypes say more than a bare basic code (a 552 or 554 with no enhanced code).
  { id: 'ses-content', category: 'content-rejected', sesSubType: ['MessageTooLarge', 'ContentRejected', 'AttachmentRejected'] },

  // 6. Basic SMTP codes.
  { id: 'smtp-501-bad-address', category: 'malformed-address', smtp: /^501$/, classes: PERMANENT, text: /address|recipient/i },
  // 521 / 556: the host or domain does not accept mail (RFC 7504).
  { id: 'smtp-521-no-mail-accepted', category: 'invalid-domain', smtp: /^(?:521|556)$/ },
  // 525: user account disabled (RFC 4954 §6).
  { id: 'smtp-525-account-disabled', category: 'invalid-address', smtp: /^525$/ },
  // 551: user not local.
  { id: 'smtp-551-user-not-local', category: 'invalid-address', smtp: /^551$/ },
  // 552 with a permanent class: storage exceeded.
  { id: 'smtp-552-storage', category: 'mailbox-full-permanent', smtp: /^552$/, classes: PERMANENT },
  // 553 with a permanent class: mailbox name not allowed.
  { id: 'smtp-553-mailbox-name', category: 'malformed-address', smtp: /^553$/, classes: PERMANENT },
  // 554 with nothing sharper: held for review (not mailed) and the sender flagged, never suppressed outright.
  { id: 'smtp-554-transaction-failed', category: 'transaction-failed', smtp: /^554$/, classes: PERMANENT },
  // 450: mailbox unavailable for now.
  { id: 'smtp-450-mailbox-busy', category: 'mailbox-busy', smtp: /^450$/ },
  // Any other 4xx: temporary.
  { id: 'smtp-4xx-temporary', category: 'service-unavailable', smtp: /^4\d\d$/ },

  // 7. SES's own labels.
  { id: 'ses-no-email', category: 'invalid-address', sesSubType: ['NoEmail'] },
  // SES's MailboxFull with a permanent class.
  { id: 'ses-mailbox-full-permanent', category: 'mailbox-full-permanent', sesSubType: ['MailboxFull'], classes: PERMANENT },
  // SES's MailboxFull otherwise.
  { id: 'ses-mailbox-full', category: 'mailbox-full', sesSubType: ['MailboxFull'] },
  // Anything else SES calls transient.
  { id: 'ses-transient', category: 'service-unavailable', classes: TRANSIENT },
];

/** The rule id used when nothing in the table holds. */
export const UNKNOWN_RULE_ID = 'no-rule-matched';
