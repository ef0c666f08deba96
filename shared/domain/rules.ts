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
/**
 * Strong wording that an address or domain does not exist decides without a
 * permanent class too (many servers' reports carry text only, which SES calls
 * `Undetermined`); only a 4xx class vetoes it.
 */
const NOT_TRANSIENT: readonly FailureClass[] = ['permanent', 'undetermined'];

/** One family of wording from its named parts: each part is one way some MTA says it. */
function family(...parts: readonly RegExp[]): RegExp {
  return new RegExp(parts.map((part) => `(?:${part.source})`).join('|'), 'i');
}

/** One long wording written in pieces that follow each other (to keep lines readable). */
function phrase(...pieces: readonly RegExp[]): RegExp {
  return new RegExp(pieces.map((piece) => piece.source).join(''), 'i');
}

/*
 * Families of wording. Each is one meaning, written the many ways MTAs say it.
 * Sources of the wordings are named per part: the MTAs' and providers' own
 * documentation, and Sisimai's catalogue of real MTA replies
 * (github.com/sisimai/go-sisimai, reason/why-*.go, BSD-2), which collects the
 * message texts of Postfix, Exim, Sendmail, qmail, Exchange, Domino, Courier
 * and the big providers.
 */

// Whose problem is it? Wording about the *sender* (envelope sender, its domain, the client host) comes first.
const SENDER_ADDRESS = family(
  /sender address rejected|sender (?:verify|verification|domain)|(?:sender|sender's) (?:rejected|was rejected)/,
  /(?:from:?|sender|envelope) (?:address|domain) (?:is )?(?:invalid|not (?:valid|found|exist)|does ?n[o']t exist|rejected)/,
  // Exim "Unroutable sender address", qmail/IMail "invalid sender", "bogus mail from" (Sisimai why-rejected.go).
  /(?:unroutable|unverifiable|invalid|unknown|bad|bogus) (?:sender|mail from)\b/,
  // Gmail's "Send mail as" alias that is not set up (Google Workspace admin help: "Send mail as" errors).
  /send mail as|sending this from a different address or alias/,
  // A gateway that relays only for its own customers (MessageLabs / Symantec.cloud "not a registered gateway user").
  /not a registered gateway user|mail from not owned by user|sender not pre-approved/,
  // SES's own envelope sender quoted as the rejected address (MAIL FROM is `…@…amazonses.com`).
  /<[^<>\s]*@(?:[\w-]+\.)*amazonses\.com>/,
);
const CLIENT_HOST = family(
  /(?:helo|ehlo)[^.;]{0,30}(?:rejected|invalid|not found)|cannot find your (?:reverse )?hostname/,
  /(?:ip|host) ?name lookup failed|reverse (?:dns|hostname|lookup)|\bPTR\b|\brDNS\b/,
  // Postfix smtpd access restrictions (postconf(5): reject_unknown_client_hostname, check_client_access).
  /client host rejected|may not be mail exchanger|cannot resolve your (?:address|hostname)/,
  // DNS of the sending host does not match its IP (Sisimai why-requireptr.go: Exim/cPanel texts).
  /unverif(?:i|y)?able sending ips?|mismatches client ip|does not match (?:the )?(?:sending|connecting|client) ip/,
);
// Relay and submission rules: the sender must authenticate or encrypt (RFC 5321 §3.6, RFC 4954, RFC 3207).
const RELAY_OR_SUBMISSION = family(
  /relay(?:ing)? (?:access )?(?:denied|not (?:permitted|allowed))|(?:unable|not (?:permitted|allowed)) to relay/,
  /\bno relaying\b|\bopen relay\b|insecure mail relay|not configured to relay|we do not relay|\bas a relay\b/,
  // qmail-smtpd(8): a recipient domain outside rcpthosts is a relay attempt.
  /allowed rcpthosts/,
  /smtp auth(?:entication)?\b[^.;]{0,40}(?:required|turn(?:ed)? on)|turn on smtp auth|authentication (?:is )?required/,
  // MessageLabs: "is not permitted to relay through this server without authentication".
  /relay through this server without authentication/,
  /must (?:issue|use) (?:a )?starttls|(?:tls|encryption|starttls) (?:is )?required|requires? (?:tls|encryption)/,
  /(?:unauthenticated|unauthorized) (?:senders?|relay)|not authorized to send mail/,
);
const AUTHENTICATION = family(
  /\bDMARC\b|\bSPF\b|\bDKIM\b|sender policy framework|domainkeys|unauthenticated|not authenticated/,
  /authenticat(?:e|ion) (?:fail|results|required|information|checks)|fail(?:s|ed)? (?:to pass )?authentication/,
  /anti-?spoof|\bspoof/,
);
// Sending limits of the sending account or relay, whatever code they come with (they say nothing about the address).
const SENDING_LIMIT = family(
  /\brelay(?:ing)? quota|(?:sending|send|daily|hourly|message) (?:quota|limit)s? (?:has been |is )?(?:exceeded|reached)/,
  /(?:reached|exceeded) (?:your|the) (?:daily |hourly )?(?:relay |sending |message )?(?:quota|limit)/,
  // GoDaddy IB607 "has sent to too many recipients this hour" (GoDaddy help: bounce codes), Gmail 4.5.3.
  /too many recipients|sent to too many recipients|recipients? per (?:hour|day|minute|message)/,
);
// Hop-count and loop errors (RFC 5321 §6.3, RFC 3463 X.4.6): a routing fault, never the address.
const MAIL_LOOP = family(/too many hops|hop count exceeded|mail (?:forwarding )?loop|routing loop|loops? (?:back|detected)/);
const RECIPIENT_POLICY = family(
  /restricted to (?:internal|authenticated)|only accepts? mail from|does not accept (?:external|mail from)/,
  /recipient address rejected: access denied/,
  // Mailing lists and groups that take posts from members only (Mailman, Google Groups, Exchange distribution groups).
  /not (?:a )?member of (?:this |the )?(?:list|group)|not allowed to post to (?:this|the)|only members can post/,
);
const MALFORMED = family(
  /not a valid RFC[- ]?5?321 address|bad (?:recipient )?address syntax/,
  /(?:recipient|address|mailbox)[^.;]{0,30}(?:syntax (?:error|illegal|invalid)|malformed|illegal characters?)/,
  /syntax error in (?:recipient|address|mailbox)/,
);
const INVALID_DOMAIN = family(
  /host (?:or domain name )?(?:not found|unknown)(?!,? try again)|no mail ?hosts? for domain|\bunknown host\b/,
  /domain (?:not found|name not found|does ?n[o']t exist|doesn'?t exist|has no (?:valid )?MX|is not reachable|must exist)/,
  /domain [\w.-]+ does ?n[o']t exist|DomainNonexistent|NonExistentDomain|\bNXDOMAIN\b|no MX (?:record|host)|null MX/,
  // Sendmail "Host unknown", Courier "No such domain", Exim "unrouteable mail domain", DragonFly DNS failures.
  /unroutable domain|no such domain|unknown domain|host [\w.-]+ not found(?!,? try again)|name or service not known/,
  /mail domain mentioned in email address is unknown/,
);
// The receiving host takes no mail at all (RFC 7504: 521/556; RFC 7505 null MX; RFC 3463 X.3.2).
const NOT_ACCEPTING_MAIL = family(
  phrase(
    /(?:host|domain|system|server)(?: is| are)? (?:not|n't|does not|doesn'?t) accept(?:ing)? /,
    /(?:any )?(?:network )?(?:mail|messages|e-?mail)(?! from)/,
  ),
);
const NO_SUCH_MAILBOX = family(
  /no such (?:user|mailbox|recipient|account|address|person|local user)/,
  /user(?:name)? (?:unknown|not found|does ?n[o']t exist|doesn'?t exist)/,
  /unknown (?:user|recipient|mailbox|local[- ]part|address)|recipient (?:unknown|not found|does ?n[o']t exist)/,
  /(?:mailbox|account|address|recipient|user|e-?mail)\b[^.;:]{0,40}\b(?:does not|doesn'?t|no longer) exists?|RecipientNotFound/,
  /not our customer|no mailbox (?:here|by that name)|mailbox (?:not found|does not exist)/,
  /(?:mailbox|account|user) (?:is |has been )?(?:disabled|deactivated|closed|terminated|discontinued)/,
  /(?:address|recipient|mailbox) (?:is )?marked as invalid|(?:address|recipient) rejected:\s*(?:inactive|disabled|deactivated)/,
  /(?:mailbox|account) (?:is )?(?:inactive|deactivated)|archived (?:recipient|mailbox|account)/,
  /not listed in (?:the )?[\w &-]{0,30}(?:directory|address book)|(?:doesn'?t|does not) have an? [\w.-]+ account/,
  /user not local|unrouteable address|invalid[- ](?:recipient|mailbox)/,
  /(?:address|mailbox|account|recipient|user|@[\w.-]+) (?:is )?no longer (?:valid|active|available|in use)/,
  // Exchange 5.5/2003 and IMail: "The recipient name is not recognized", "Invalid final delivery userid".
  /(?:recipient|user)(?: name)? is not recognized|invalid (?:final delivery )?user ?id/,
  // qmail/vpopmail ("badrcptto", "invalid or unknown virtual user"), Courier, Domino and gateway texts (Sisimai why-userunknown.go).
  /is not a (?:known|valid) (?:user|mailbox)|not a valid user|no account by that name|recipient is not local|no one at this address/,
  /no longer accepts mail|missing home directory|unknown virtual user|badrcptto|not in my validrcptto|not an active address/,
  /(?:address|mailbox) not present|no mailbox found|unknown e-?mail address|non-?existent (?:user|recipient|mailbox|address)/,
  // ("Invalid address" alone is left to the codes: Microsoft and Mimecast say it of syntax, 501 / 5.1.3.)
  /\baddress unknown\b/,
  // Exchange Online NDR: "the address couldn't be found" (Microsoft Learn: NDR 550 5.1.1 in Exchange Online).
  /address (?:could ?n[o']t|could not|can ?not) be found/,
  // Other languages: fr "utilisateur/destinataire inconnu", de "unbekannt", es/pt/it "desconocido/inexistente/sconosciuto".
  /(?:utilisateur|destinataire|adresse) (?:inconnue?|inexistante?)|n'existe pas|adresse (?:e-?mail )?invalide/,
  /(?:empf[aä]nger|benutzer|postfach|adresse)[^.;]{0,30}(?:unbekannt|existiert nicht|nicht gefunden)/,
  /usuario (?:desconocido|inexistente|no existe)|no existe (?:dicha persona|ese usuario|el usuario)/,
  /usu[aá]rio (?:desconhecido|inexistente|n[aã]o existe)|conta (?:inexistente|n[aã]o existe)/,
  /utente (?:sconosciuto|inesistente|non esiste)|nessun utente|indirizzo (?:inesistente|non valido)/,
  // Japanese carriers' Japanese-language replies: "宛先不明" (unknown destination), "存在しません" (does not exist).
  /宛先(?:不明|が存在しません)|(?:ユーザ|アカウント|メールアドレス)[^。]{0,10}存在しません/,
);
// Suspended or locked mailboxes (Sisimai why-suspend.go; La Poste "Le compte du destinataire est bloque"; 525 RFC 4954).
const SUSPENDED_MAILBOX = family(
  phrase(
    /(?:recipient|destinataire|user|mailbox|inbox)(?:'s)? (?:account )?(?:[^\s]+@[^\s]+ )?(?:is |has been )?/,
    /(?:currently |temporar(?:y|ily) )?(?:suspended|locked|frozen|blocked)/,
  ),
  /(?:account|mailbox) (?:is |has been )?(?:currently |temporar(?:y|ily) )?(?:suspended|locked|frozen)|disabled recipient/,
  /compte du destinataire est bloqu/,
  /(?<!your )(?:mailbox|account|user|recipient)[^.;]{0,20}(?:is currently|has been|temporarily) suspended|user (?:is )?terminated/,
  /mailbox (?:is )?disabled|user (?:is )?suspended|user or domain is disabled|inactive (?:account|user)/,
);
const MAILBOX_FULL = family(
  /over ?quota|quota ?exceeded|exceeded (?:its |the |their )?(?:storage|quota)|(?:mailbox|inbox|mail ?box|account|user)[^.;]{0,30}\bfull\b/,
  /(?:mailbox|inbox|account) (?:size|storage) (?:limit|exceeded)/,
  /insufficient (?:disk )?(?:space|storage) (?:for|in) (?:the )?(?:user|mailbox)/,
  /exceeded storage allocation|quota violation|exhausted[^.;]{0,20}(?:storage|quota|space)/,
  // fr "boîte pleine", de "Postfach voll", es "buzón lleno", pt "caixa cheia", it "casella piena".
  /bo[iî]te (?:aux lettres |mail )?(?:est )?pleine|postfach (?:ist )?voll|buz[oó]n (?:est[aá] )?lleno/,
  /caixa[^.;]{0,20}cheia|casella[^.;]{0,20}piena/,
);
const CONTENT = family(
  /malware|virus|infected|attachment|macros?\b|message size|size (?:limit|exceeds|exceeded)|maximum (?:e-?mail |message )?size/,
  /exceeds?[^.;]{0,30}size|SizeLimit|too (?:large|big)|message content|content (?:presents|rejected|filter|policy|restrictions?|denied)/,
  /content (?:judged|deemed|considered|identified) (?:to be |as )?spam|prohibited (?:content|file)|banned (?:content|attachment|file)/,
  /executable|phishing|message integrity|headers? (?:are |is )?not (?:rfc|valid)|not rfc ?5322 compliant|message not allowed/,
  // Line length limits (RFC 5321 §4.5.3.1.6; Exim "Line limit exceeded", Postfix "line too long").
  /line (?:length )?limit exceeded|line (?:is )?too long/,
);
const REPUTATION = family(
  /blocked using|block ?list|black ?list|deny ?list|spamhaus|spamcop|barracuda|\bsorbs\b|\bRBLs?\b|\bDNSBLs?\b|uceprotect/,
  /proofpoint|ipcheck|cloudmark|reputation|unsolicited|\bspam\b/,
  /(?:listed|found) (?:at|in|on|by) (?:one or more |the )?(?:[\w.-]+ )?(?:dnsbl|rbl|block ?list|black ?list|spamhaus|sorbs|spamcop)/,
  /listed (?:at|in|on|by)|banned send(?:er|ing)|(?:temporarily|permanently) deferred|deferred due to|user complaints/,
  /polic(?:y|ies) (?:reasons|restrictions|violation)|(?:local|security|content) policy|due to policy/,
  /(?:rejected|refused|not accepted|blocked)[^.;]{0,30}polic(?:y|ies)|suspicious|\bblocked\b|\bblacklisted\b/,
  // The receiving side refuses this sending host at connect: Sendmail/iCloud "not accepting connections", Mimecast
  // "Host network not allowed" (Mimecast docs: SMTP error codes), Orange/La Poste "Service refuse", "Mail rejete".
  /not accepting connections|host network not allowed|not (?:currently )?accepting mail from your ip/,
  /you are not allowed to connect|service refus[eé]|mail rejet[eé]/,
);
const SERVER_BUSY = family(
  /server (?:is )?(?:too )?busy|too many (?:connections|concurrent|sessions)|(?:maximum|too many) (?:number of )?connections/,
  /try (?:again )?later|resources? (?:temporarily )?unavailable/,
);
// The receiving system failed (Sisimai why-systemerror.go: "Internal system error"). A bare 554 "Service unavailable"
// is left to the 554 rule: it is as often said about one recipient as about the whole server.
const SERVER_FAULT = family(/internal (?:system |server )?error|\bsystem error/);
const RECEIVE_RATE = family(
  /receiving mail (?:at a rate|too quickly)|limit for the number of messages[^.;]{0,40}receive/,
  /receiv\w* (?:too many messages|rate limit)|too many messages (?:for|to) (?:this|the) (?:user|recipient|mailbox)/,
);
const CONNECTION = family(
  /(?:unable|not able|wasn'?t able|failed|could ?n[o']t|cannot) to (?:establish|make|open|connect)/,
  /connection (?:timed out|refused|reset|lost|dropped)|timed out|queue too long|message expired/,
);
const WEAK_NO_MAILBOX = family(
  /mailbox (?:is )?(?:unavailable|not available)/,
  /not a valid (?:mailbox|recipient)|recipient (?:rejected|not accepted)/,
);
const IP_BLOCKED = family(
  /\bIP(?: address)? (?:has been |is |was )?(?:temporarily |permanently )?(?:blocked|banned|blacklisted|blocklisted)/,
);

export const CLASSIFICATION_RULES: readonly ClassificationRule[] = [
  // 1. SES did not attempt delivery.
  { id: 'ses-suppression-list', category: 'already-suppressed', sesSubType: ['Suppressed', 'OnAccountSuppressionList'] },
  { id: 'ses-suppression-text', category: 'already-suppressed', text: /^Amazon SES (?:has suppressed|did not send)/ },
  { id: 'ses-unsubscribed', category: 'already-suppressed', sesSubType: ['UnsubscribedRecipient'] },

  // 2. Provider markers: each names its meaning exactly.
  { id: 'yahoo-ts-deferral', category: 'reputation-block', text: /\[TSS?\d{2}\]/ },
  { id: 'outlook-block-list', category: 'reputation-block', text: /\(S3150\)|\(S3140\)|network is on our block list/i },
  { id: 'apple-cs-policy', category: 'reputation-block', text: /\[CS\d{2}\]/ },
  // T-Online's block-list reply (postmaster.t-online.de), whatever domain it hosts.
  { id: 't-online-block-list', category: 'reputation-block', text: /A problem occurred\. \(Ask your postmaster|\(BL\)\s*$/ },
  // Microsoft edge blocking on directory lookup: usually an unknown recipient, but held for review.
  { id: 'microsoft-dbeb-access-denied', category: 'recipient-policy-block', enhanced: /^5\.4\.1$/, text: /AS\(201806281\)/ },
  // Exchange recipient restrictions (group limited to internal or authenticated senders).
  { id: 'microsoft-recipient-restriction', category: 'recipient-policy-block', text: /RESOLVER\.RST\.(?!\w*SizeLimit)/ },
  { id: 'microsoft-access-denied', category: 'recipient-policy-block', enhanced: /^5\.4\.1$/, text: /access denied/i },

  // 3. Families of wording that outrank codes. First the subject (sender, transport, group), then the recipient.
  // X.1.7 / X.1.8 name the sender's address as the subject, whatever the text says about "no such domain".
  { id: 'code-sender-address', category: 'authentication-failure', enhanced: /^[45]\.1\.[78]$/ },
  { id: 'text-sender-address', category: 'authentication-failure', text: SENDER_ADDRESS },
  { id: 'text-sender-setup', category: 'authentication-failure', text: CLIENT_HOST },
  { id: 'text-relay-or-submission', category: 'authentication-failure', text: RELAY_OR_SUBMISSION },
  { id: 'text-authentication', category: 'authentication-failure', text: AUTHENTICATION },
  // Under a 4xx the limit is simply retried (per-message recipient limits, Microsoft 4.5.3).
  { id: 'text-sending-limit', category: 'sending-limit', classes: NOT_TRANSIENT, text: SENDING_LIMIT },
  { id: 'text-mail-loop', category: 'service-unavailable', text: MAIL_LOOP },
  { id: 'text-recipient-policy', category: 'recipient-policy-block', text: RECIPIENT_POLICY },
  { id: 'text-malformed-address', category: 'malformed-address', classes: PERMANENT, text: MALFORMED },
  { id: 'text-invalid-domain', category: 'invalid-domain', classes: NOT_TRANSIENT, text: INVALID_DOMAIN },
  { id: 'text-not-accepting-mail', category: 'invalid-domain', classes: NOT_TRANSIENT, text: NOT_ACCEPTING_MAIL },
  { id: 'text-no-such-mailbox', category: 'invalid-address', classes: NOT_TRANSIENT, text: NO_SUCH_MAILBOX },
  { id: 'text-mailbox-suspended', category: 'invalid-address', classes: NOT_TRANSIENT, text: SUSPENDED_MAILBOX },
  { id: 'text-mailbox-full-permanent', category: 'mailbox-full-permanent', classes: PERMANENT, text: MAILBOX_FULL },
  { id: 'text-mailbox-full', category: 'mailbox-full', classes: NOT_PERMANENT, text: MAILBOX_FULL },
  // The sending IP itself is blocked: a reputation matter even when the reason given is content.
  { id: 'text-ip-blocked', category: 'reputation-block', text: IP_BLOCKED },
  { id: 'text-content', category: 'content-rejected', text: CONTENT },
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
  { id: 'code-bad-domain', category: 'invalid-domain', enhanced: /^5\.1\.2$/ },
  { id: 'code-bad-mailbox-syntax', category: 'malformed-address', enhanced: /^5\.1\.3$/ },
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
  // X.4.6 routing loop detected: a routing fault, retried.
  { id: 'code-routing-loop', category: 'service-unavailable', enhanced: /^5\.4\.6$/ },
  { id: 'code-delivery-expired', category: 'connection-timeout', enhanced: /^5\.4\.7$/ },
  { id: 'code-protocol-temporary', category: 'service-unavailable', enhanced: /^4\.5\.\d+$/ },
  { id: 'code-content', category: 'content-rejected', enhanced: /^[45]\.6\.\d+$/ },
  // X.7.13 user account disabled (IANA SMTP enhanced status codes registry).
  { id: 'code-account-disabled', category: 'invalid-address', enhanced: /^5\.7\.13$/ },
  // Microsoft: 5.7.509 DMARC reject, 5.7.515 sender domain below authentication requirements.
  { id: 'code-authentication', category: 'authentication-failure', enhanced: /^[45]\.7\.(?:2[0-7]|509|515)$/ },
  { id: 'code-message-integrity', category: 'content-rejected', enhanced: /^5\.7\.7$/ },
  { id: 'code-reputation-temporary', category: 'reputation-block', enhanced: /^4\.7\.(?:28|[56]\d\d)$/ },
  { id: 'code-policy-temporary', category: 'service-unavailable', enhanced: /^4\.7\.\d+$/ },
  { id: 'code-policy', category: 'reputation-block', enhanced: /^5\.7\.\d+$/ },

  // 5. Wording that only counts when the code says nothing sharper.
  { id: 'text-mailbox-unavailable', category: 'invalid-address', classes: PERMANENT, text: WEAK_NO_MAILBOX },
  // "Access denied" with no sharper code: the receiving side refuses this sender (Exim/Sendmail access lists).
  { id: 'text-access-denied', category: 'reputation-block', text: /\baccess denied\b/i },

  // SES's content subtypes say more than a bare basic code (a 552 or 554 with no enhanced code).
  { id: 'ses-content', category: 'content-rejected', sesSubType: ['MessageTooLarge', 'ContentRejected', 'AttachmentRejected'] },

  // 6. Basic SMTP codes.
  { id: 'smtp-501-bad-address', category: 'malformed-address', smtp: /^501$/, classes: PERMANENT, text: /address|recipient|syntax/i },
  // 521 / 556: the host or domain does not accept mail (RFC 7504).
  { id: 'smtp-521-no-mail-accepted', category: 'invalid-domain', smtp: /^(?:521|556)$/ },
  // 525: user account disabled (RFC 4954 §6).
  { id: 'smtp-525-account-disabled', category: 'invalid-address', smtp: /^525$/ },
  { id: 'smtp-551-user-not-local', category: 'invalid-address', smtp: /^551$/ },
  { id: 'smtp-552-storage', category: 'mailbox-full-permanent', smtp: /^552$/, classes: PERMANENT },
  { id: 'smtp-553-mailbox-name', category: 'malformed-address', smtp: /^553$/, classes: PERMANENT },
  // 554 with nothing sharper: held for review (not mailed) and the sender flagged, never suppressed outright.
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
