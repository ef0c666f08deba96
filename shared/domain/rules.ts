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

/** A pattern as one group, so that it can be followed by another piece. */
function group(pattern: RegExp): RegExp {
  return new RegExp(`(?:${pattern.source})`, 'i');
}

/** One long wording written in pieces that follow each other (to keep lines readable). */
function phrase(...pieces: readonly RegExp[]): RegExp {
  return new RegExp(pieces.map((piece) => piece.source).join(''), 'i');
}

/**
 * `lead`, a window of other characters (`gap`), then `tail`: the same matches as `phrase(lead, gap, tail)`, written from
 * the tail back (`tail(?<=lead gap tail)`), so that the pattern is tried where the tail's rarer words are instead of
 * scanning a window after every common noun the lead names ("address", "user"), and the walk's gate keys on the tail.
 */
function tailFirst(lead: RegExp, gap: RegExp, tail: RegExp, ending?: RegExp): RegExp {
  // The lookbehind holds the whole wording, the tail's own leading \b included. `ending`, when given, is what every match
  // of the tail ends with (its words past an optional start), so that the walk's gate still has a literal to key on.
  const forward = ending?.source ?? tail.source.replace(/^\\b/, '');
  return new RegExp(`(?:${forward})(?<=(?:${lead.source})${gap.source}(?:${tail.source}))`, 'i');
}

/*
 * Families of wording. Each is one meaning, written the many ways MTAs say it.
 * Sources of the wordings are named per part: the MTAs' and providers' own
 * documentation, and Sisimai's catalogue of real MTA replies
 * (github.com/sisimai/go-sisimai, reason/why-*.go, BSD-2), which collects the
 * message texts of Postfix, Exim, Sendmail, qmail, Exchange, Domino, Courier
 * and the big providers.
 */

// The sender under its other names: its domain, return path, From: or Reply-To address, bounce address, the MAIL FROM
// argument (Sisimai Reason/Rejected.pm: "domain of sender address", "sender domain is empty"; RFC 5321 §4.1.1.2); "your
// account / mailbox / domain" in a report to the sender is the sender's own (a submission or relay account).
const SENDER_NAMES = family(
  /domain of sender address|\bsender'?s? (?:user|mailbox|account|domain)|return[- ]path (?:domain|address)/,
  // Written so that each alternative holds a literal rarer than "from" or " mail" (the walk's gate skips the pattern on the
  // texts that lack it); "mail from domain" is the \bfrom alternative's, so only "mailfrom" needs its own.
  /reply-to (?:domain|address)|\bfrom:? address|\bfrom:? domain|mailfrom (?:domain|address)|in your mail ?from|in the mail ?from/,
  /bounce address|\byour (?:e-?mail )?(?:account|mailbox|domain|mail server'?s? host ?name)|\bsender <?[^\s<>@]+@/,
);
// What would read as a dead address if it were said of the recipient.
const DEAD_SOUNDING = family(
  /does ?n[o']t exist|not exist|unknown|invalid|not (?:a )?valid|not found|no mx|unavailable|disabled|suspended|expired/,
  /over quota|quota exceeded|rejected|denied|not allowed|has no (?:a|mx|dns)\b|deleted|removed/,
);

// Whose problem is it? Wording about the *sender* (envelope sender, its domain, the client host) comes first.
const SENDER_ADDRESS = family(
  /sender address rejected|sender (?:verify|verification|domain)|(?:sender|sender's) (?:rejected|was rejected)/,
  /(?:from:?|sender|envelope) address (?:is )?(?:invalid|not (?:valid|found|exist)|does ?n[o']t exist|rejected)/,
  /(?:from:?|sender|envelope) domain (?:is )?(?:invalid|not (?:valid|found|exist)|does ?n[o']t exist|rejected)/,
  // Exim "Unroutable sender address", qmail/IMail "invalid sender", "bogus mail from" (Sisimai why-rejected.go).
  /(?:unroutable|unverifiable|invalid|unknown|bad|bogus) (?:sender|mail from)\b/,
  // Gmail's "Send mail as" alias that is not set up (Google Workspace admin help: "Send mail as" errors).
  /send mail as|sending this from a different address or alias/,
  // A gateway that relays only for its own customers (MessageLabs / Symantec.cloud "not a registered gateway user").
  /not a registered gateway user|mail from not owned by user|sender not pre-approved/,
  // SES's own envelope sender quoted as the rejected address (MAIL FROM is `…@…amazonses.com`).
  // Written from its literal back (a lookbehind, the same matches): a pattern that starts with `<` and then any character
  // makes V8 try it at every `<`, and took 40 % of this family's time on texts without it.
  /amazonses\.com>(?<=<[^<>\s]*@(?:[\w-]+\.)*amazonses\.com>)/,
  // Coremail (Netease / Chinese hosting) rejects of the envelope sender: "Fake sender", "NULL sender is not allowed",
  // "sender is rejected" (Coremail support: 退信提示 list); Orange/La Poste "Emetteur invalide" (Sisimai Rhost/FrancePTT.pm).
  /\bfake sender|null sender is not allowed|sender is rejected|emetteur invalide|émetteur invalide/,
  // The sending domain or address is refused as such (Sisimai Reason/Rejected.pm: "server does not accept mail from").
  /mail from (?:domain )?(?:[\w.-]+ )?(?:is )?not (?:allowed|permitted)|sender domain (?:is )?not (?:allowed|permitted)/,
  // Exchange Online NDRs (Microsoft Learn, "Email non-delivery reports and SMTP errors in Exchange Online"): 5.1.0
  // "Sender denied", 5.2.252 "SendAsDenied … not allowed to send as"; Mail.ru "message sending for this account is disabled".
  /sender (?:address )?(?:denied|blocked)|sendasdenied|not allowed to send as|sending for (?:this|your) account is/,
  // Coremail's catalogue (blog.sina.com.cn/s/blog_8dc13ec50101fxxr: "552 mail from invalid", "553 host denies the
  // sender", "554 sender is unvalidated", "554 mail address invalid" = sender address mismatch); PHPMailer-BMH rules
  // (github.com/hippich/PHPMailer-BMH: 0206 "Sender email is not in my domain", 0210 "Verify mailfrom failed",
  // 0226 "MAIL FROM is mismatched with message header from address").
  /mail ?from (?:is )?invalid|mail ?from (?:is )?mismatch|denies the sender|sender (?:is )?(?:unvalidated|not validated)/,
  // The look back after the words (the same matches): a pattern that starts with one is tried at every character.
  /mail address invalid(?<![\w-]mail address invalid)/,
  // STRATO "Forbidden domain '…' in Envelope-From (B-EFROM-STRATO)".
  /in (?:the )?envelope-?from|envelope-?from (?:domain|address)/,
  /sender (?:e-?mail |address )?(?:is )?not in my domain|verify mail ?from failed|mismatched with (?:the )?(?:message )?header from/,
  // Only with what would otherwise read as a dead address; the same names with block-list wording are reputation.
  phrase(group(SENDER_NAMES), /\b(?:[^.;]|\.[\w-]){0,60}/, group(DEAD_SOUNDING)),
  // The same said in the provider's language: the word for the sender names the subject before any "unknown" or
  // "does not exist" that follows (de Absender, fr expéditeur/émetteur, es remitente, it mittente, pt remetente,
  // zh 发件人, ko 발신자/보낸 사람, ru отправитель, ja 送信者/差出人).
  /\babsender|\bexp[eé]diteur|\bremitente|\bmittente|\bremetente|\bafzender|\bnadawc|\bodes[ií]latel/,
  /发件人|發件人|寄件人|발신자|보낸 사람|보낸사람|отправител|送信者|差出人/,
);
const CLIENT_HOST = family(
  /(?:helo|ehlo)[^.;]{0,30}(?:rejected|invalid|not found)|cannot find your (?:reverse )?hostname/,
  /(?:ip|host) ?name lookup failed|reverse (?:dns|hostname|lookup)|\bPTR\b|\brDNS\b/,
  // Postfix smtpd access restrictions (postconf(5): reject_unknown_client_hostname, check_client_access).
  /client host rejected|may not be mail exchanger|cannot resolve your (?:address|hostname)/,
  // DNS of the sending host does not match its IP (Sisimai why-requireptr.go: Exim/cPanel texts).
  /unverif(?:i|y)?able sending ips?|mismatches client ip|does not match (?:the )?(?:sending|connecting|client) ip/,
  // The sending client broke the SMTP dialogue (Sisimai Reason/PolicyViolation.pm "protocol violation"; Postfix
  // "improper command pipelining"; Sendmail/Exim "synchronization error").
  /protocol violation|improper (?:command )?pipelining|synchroni[sz]ation error/,
  // Coremail: "555 helohost error", "554 smtpport check error", "556 remote ip check error" (sending IP and MAIL FROM
  // domain disagree), "551 line parse error", "451 stray newline", "500 sequence error"; PHPMailer-BMH 0229 "Client
  // host bypassing service provider's mail relay".
  /helo ?host error|smtpport check|remote ip check|line parse error|stray newline|sequence error|bypassing service provider/,
  // The client's HELO name refused (RFC 5321 §4.1.1.1: a FQDN or address literal; qmail-remote "but my name was rejected").
  /(?:helo|ehlo)[^.;]{0,40}(?:fqdn|fully[- ]qualified|address literal)|my name was rejected/,
  // RFC 5321 §4.2.2's command replies (500 "Syntax error, command unrecognized", 501 "Syntax error in parameters or
  // arguments", 502 "Command not implemented", 503 "Bad sequence of commands", 504 "Command parameter not implemented"):
  // the sending client's dialogue, not the recipient's address (SES sends only well-formed addresses).
  /syntax error(?:,| in) (?:command|parameters|arguments|mail from|helo|ehlo)|command (?:unrecognized|not implemented)/,
  /bad sequence of commands|command parameter not implemented/,
  // The client's own errors and misuse: SFR "Error: too many errors" (Sisimai Reason/TooManyConn.pm: Free.fr "too many
  // errors from your ip"); a bounce (null sender) to several recipients (Baruwa "Legitimate bounces are never sent to
  // more than one recipient", antispameurope "Multi-recipient bounce"); IceWarp "501 Domain name required" (MAIL FROM).
  /too many errors|bounces are never sent to more than one recipient|multi-recipient bounce|domain name required/,
);
// Relay and submission rules: the sender must authenticate or encrypt (RFC 5321 §3.6, RFC 4954, RFC 3207).
const RELAY_OR_SUBMISSION = family(
  /relay(?:ing)? (?:access )?(?:denied|not (?:permitted|allowed))|(?:unable|not (?:permitted|allowed)) to relay/,
  /relay(?:ing)? (?:is )?(?:disallowed|forbidden|refused)|relay prohibited|n'?t allowed to relay|requires authentication/,
  /\bno relaying\b|\bopen relay\b|insecure mail relay|not configured to relay|we do not relay|\bas a relay\b/,
  // qmail-smtpd(8): a recipient domain outside rcpthosts is a relay attempt.
  /allowed rcpthosts/,
  /smtp auth(?:entication)?\b[^.;]{0,40}(?:required|turn(?:ed)? on)|turn on smtp auth|authentication (?:is )?required/,
  // MessageLabs: "is not permitted to relay through this server without authentication".
  /relay through this server without authentication/,
  /must (?:issue|use) (?:a )?starttls|(?:tls|encryption|starttls) (?:is )?required|requires? (?:tls|encryption)/,
  /(?:unauthenticated|unauthorized) (?:senders?|relay)|not authorized to send mail/,
  // Sisimai Reason/NoRelaying.pm ("not local host …, not a gateway"); Coremail "Requested action not taken: Local user only".
  /not a gateway|local user only|relay operation rejected|you are not allowed to send (?:mail|e-?mail|messages)/,
  // Coremail "553 host denies relay", "553 relay check domain/local fail", "554 openrelay check"; Exim / PHPMailer-BMH
  // 0108 "relaying to <…> prohibited by administrator"; BMH 0197 "AUTH FAILED".
  /denies relay|relay check (?:domain|local)|openrelay|relay(?:ing)? (?:to [^\s]+ )?prohibited|\bauth failed\b/,
  // Submission credentials refused (Mimecast SMTP error codes: 535 "Incorrect authentication data"; Orange OFR_305/LPN_402).
  /incorrect authentication data|code d'authentification invalide|authentification requise/,
  // Gmail's own reports of what the receiving side refused (Sisimai Lhost/Gmail.pm, states 6, 8, 12).
  /does not support (?:tls|starttls|smtp authenticated relay)|smtp auth failed/,
  // MessageLabs "451 TLS/SSLv3 Connection required" (Broadcom KB 162152); OpenSMTPD "Could not retrieve credentials",
  // Sisimai Reason/SecurityError.pm "authentication credentials invalid".
  /(?:tls|ssl)[^.;]{0,20}connection required|retrieve credentials|credentials (?:are )?invalid/,
);
const AUTHENTICATION = family(
  /\bDMARC\b|\bSPF\b|\bDKIM\b|sender policy framework|domainkeys|unauthenticated|not authenticated/,
  /authenticat(?:e|ion) (?:fail|results|required|information|checks)|fail(?:s|ed)? (?:to pass )?authentication/,
  /anti-?spoof|\bspoof/,
);
// What the sender's own sending behaviour earned it: too many unknown recipients (list quality), whatever the code
// (Netease HL:REP "存在接收者大量不存在情况"; Yahoo/AOL and Comcast "too many invalid recipients").
const LIST_QUALITY = family(
  /too many (?:invalid|bad|unknown|non-?existent) (?:recipients|users|addresses)/,
  // PHP-Bounce-Handler's catalogue: "Excessive userid unknowns", "Domain has received too many bounces".
  /excessive userid unknowns|too many bounces|dictionary attack|directory harvest/,
);
// Sending limits of the sending account or relay, whatever code they come with (they say nothing about the address).
const SENDING_LIMIT = family(
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
// Hop-count and loop errors (RFC 5321 §6.3, RFC 3463 X.4.6): a routing fault, never the address.
const MAIL_LOOP = family(
  /too many hops|hop count exceeded|mail (?:forwarding )?loop|routing loop|loops? (?:back|detected)/,
  // Exchange SMTPSEND.DNS.MxLoopback, Postfix "mail for … loops back to myself", Sisimai Reason/SystemError.pm.
  /mx ?loopback|loop was found in the mail exchanger|forwarding loop/,
  // Coremail "552 looping message"; qmail "This message is looping: it already has my Delivered-To line" (#5.4.6);
  // Sendmail "MX list for … points back to …" (PHPMailer-BMH 0199).
  /\blooping\b|mx list for [^\s]+ points back|maximum hop count|loop detection/,
);
const RECIPIENT_POLICY = family(
  /restricted to (?:internal|authenticated)|only accepts? mail from|does not accept (?:external|(?:e-?mail |mail |messages )?from)/,
  /recipient address rejected: access denied/,
  // Mailing lists and groups that take posts from members only (Mailman, Google Groups, Exchange distribution groups).
  /not (?:a )?member of (?:this |the )?(?:list|group)|not allowed to post to (?:this|the)|only members can post/,
  // Yandex "Policy rejection on the target address": the recipient's account is blocked for User Agreement violations
  // and may be unblocked by its owner (yandex.com/support/mail/bounces): held for review, not suppressed.
  /policy rejection on the target address/,
  // The recipient's own block list or filter rules refuse this sender: the address works (Sisimai Reason/Filtered.pm:
  // "you have been blocked by the recipient", "message rejected due to user rules", Facebook "refused due to recipient
  // preferences", AOL "only accepting mail from specific email addresses"; Tencent "Mail is rejected by recipients";
  // Interia "Recipient doesn't want your mail"; Korean portals "registered as spammer (by user's reject list)";
  // Coremail "User in blacklist"; Exchange 5.7.1 "Delivery not authorized, message refused").
  /blocked by (?:the )?recipient|rejected due to user rules|recipient preferences|only accepting mail from specific/,
  /rejected by recipients?\b|recipient (?:does ?n[o']t|does not) want|user'?s reject list|user in (?:black|block)list/,
  /delivery not authori[sz]ed/,
  // PHPMailer-BMH 0156 "User refused to receive this mail"; Coremail "553 private list access denied".
  /refused to receive (?:this|your) (?:mail|message)|private list access denied|requires that you verify/,
  // The box exists but does not take this kind of mail, e.g. an Italian PEC box "non abilitato alla ricezione di posta non
  // certificata" (Aruba PEC guide): it outranks an "unknown … or not enabled" in the same sentence.
  /non abilitat[oa] alla ricezione|not (?:enabled|authori[sz]ed|allowed|permitted) to receive/,
);
const MALFORMED = family(
  /not a valid RFC[- ]?5?321 address|bad (?:recipient )?address syntax|need fully[- ]qualified address/,
  tailFirst(/recipient|address|mailbox/, /[^.;]{0,30}/, /syntax (?:error|illegal|invalid)|malformed|illegal characters?/),
  /syntax error in (?:recipient|address|mailbox)/,
);
// A DNS lookup that failed for now: Postfix "Host or domain name not found. … Host not found, try again" (postconf(5),
// the temporary form of the lookup error), "Temporary failure in name resolution" (getaddrinfo EAI_AGAIN), SERVFAIL.
const DNS_TEMPORARY = family(
  /not found, try again|temporary failure in name resolution|\bservfail\b|dns (?:lookup|query) timed? ?out/,
  // Sendmail "Deferred: Name server: …: host name lookup failure", "Name server timeout" (PHPMailer-BMH 0121, 0118).
  /host name lookup failure|name server timeout/,
);
const INVALID_DOMAIN = family(
  /host (?:or domain name )?(?:not found|unknown)(?!,? try again)|no mail ?hosts? for domain|\bunknown host\b/,
  /domain (?:not found|name not found|does ?n[o']t exist|doesn'?t exist|has no (?:valid )?MX|is not reachable|must exist)/,
  /domain [\w.-]+ does ?n[o']t exist|DomainNonexistent|NonExistentDomain|\bNXDOMAIN\b|no MX (?:record|host)|null MX/,
  // Exim "all host address lookups failed permanently", "an MX or SRV record indicated no SMTP service" (Sisimai
  // Lhost/Exim.pm); Gmail "DNS Error: DNS server returned answer with no data" (Sisimai Lhost/Gmail.pm).
  /lookups failed permanently|indicated no smtp service|returned answer with no data|mx records point to non-?existent hosts/,
  // qmail-remote's permanent DNS failures ("D" lines: "Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)",
  // "Sorry, I couldn't find any host named …"; Sisimai Lhost/qmail.pm), OpenSMTPD "No MX found for domain".
  /couldn'?t find (?:a mail exchanger|any host)|no mx (?:record |host )?found/,
  // RFC 3463 X.1.2 "Bad destination system address"; domains that take no mail any more (expired, parked, served or
  // hosted nowhere here).
  /bad destination (?:system|host)|domain (?:has )?expired|domain is parked/,
  /domain (?:is )?not (?:configured for (?:e-?)?mail|served here|hosted here)/,
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
  /unknown (?:user|recipient|mailbox|local[- ]part|address(?! error))|recipient (?:unknown|not found|does ?n[o']t exist)/,
  tailFirst(/(?:mailbox|account|address|recipient|user|e-?mail)\b/, /[^.;:]{0,40}/, /\b(?:does not|doesn'?t|no longer) exists?/),
  /RecipientNotFound/,
  /not our customer|no mailbox (?:here|by that name)|mailbox (?:not found|does not exist)/,
  /(?:mailbox|account|user) (?:is |has been )?(?:disabled|deactivated|closed|terminated|discontinued)/,
  /(?:address|recipient|mailbox) (?:is )?marked as invalid|(?:address|recipient) rejected:\s*(?:inactive|disabled|deactivated)/,
  /(?:mailbox|account|address) (?:is )?(?:currently )?(?:inactive|deactivated)|archived (?:recipient|mailbox|account)/,
  /not listed in (?:the )?[\w &-]{0,30}(?:directory|address book)|(?:doesn'?t|does not) have an? [\w.-]+ account/,
  /user not local|unrouteable address|invalid[- ](?:recipient|mailbox)/,
  tailFirst(/(?:address|mailbox|account|recipient|user|@[\w.-]+)\b/, /[^.;:]{0,20}/, / no longer (?:valid|active|available|in use)/),
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
  // Orange / La Poste: "Adresse d au moins un destinataire invalide" (LPN416/418, Sisimai Rhost/FrancePTT.pm).
  /destinataire invalide|bo[iî]te (?:aux lettres )?inexistante|compte (?:inexistant|d[ée]sactiv[ée]|supprim[ée])/,
  /(?:empf[aä]nger|benutzer|postfach|adresse)[^.;]{0,30}(?:unbekannt|existiert nicht|nicht gefunden|nicht bekannt|nicht vorhanden)/,
  // web.de "Benutzer nicht bekannt/User unknown", GMX "User is inactive" (sitepackage.de: typische Fehlermeldungen).
  /unbekannte[rs]? (?:empf[aä]nger|benutzer)|ung[uü]ltige[rs]? (?:empf[aä]nger|postfach)/,
  /usuario (?:desconocido|inexistente|no existe)|no existe (?:dicha persona|ese usuario|el usuario)/,
  /destinatario (?:desconocido|inexistente|no existe)|(?:buz[oó]n|cuenta|direcci[oó]n)[^.;]{0,30}(?:no existe|inexistente)/,
  /usu[aá]rio (?:desconhecido|inexistente|n[aã]o existe)|conta (?:inexistente|n[aã]o existe)/,
  /destinat[aá]rio (?:desconhecido|inexistente)|utilizador (?:desconhecido|inexistente)/,
  /(?:caixa|endere[cç]o)[^.;]{0,30}(?:inexistente|n[aã]o existe)/,
  /utente (?:sconosciuto|inesistente|non esiste)|nessun utente|indirizzo (?:inesistente|non valido)/,
  /destinatario sconosciuto|casella[^.;]{0,30}(?:non esiste|inesistente)/,
  // Japanese carriers' Japanese-language replies: "宛先不明" (unknown destination), "存在しません" (does not exist).
  /宛先不明|宛先が存在しません|(?:ユーザ|アカウント|メールアドレス)[^。]{0,10}存在しません|ユーザー?が(?:いません|見つかりません)/,
  // Sisimai Reason/UserUnknown.pm (BSD-2), phrases not covered above: Postfix/Exim/qmail/Courier/Sendmail and gateways.
  /user (?:is )?not (?:exists?|known|active)\b|recipient (?:is )?not exists?|(?:mailbox|address) invalid\b|can'?t accept user/,
  /destination (?:addresses were unknown|server rejected recipients)|no mail ?box available for (?:this )?user/,
  /no valid recipients, bye|no correct recipients|not a local address|email name is not found|badrecipientto/,
  /envelope recipient has been denied/,
  // "User kijitora was not found", "Recipient kijitora was not found in LDAP", "User (kijitora) unknown",
  // "RCPT <kijitora@…> does not exist", "<kijitora@…> not found" (same catalogue: its `pairs`).
  /(?:user|recipient|rcpt) [^\s]+ (?:was |is )?not found|(?:user|recipient) \([^()\s]+\) unknown/,
  /rcpt <[^<>\s]+> does not exist|^\s*<[^<>\s@]+@[^<>\s]+> not found/,
  /recipient address rejected:\s*(?:invalid[- ]?(?:user|recipient)|user ?unknown|account (?:closed|is not active|disabled))/,
  // Coremail / Netease / Chinese hosting replies (Coremail support, 退信提示 list; 163 "RC:NE The email account does
  // not exist"): "unavailable mail user", "local server don't exists that user", "not user of this server",
  // "recipient does not have an account", "The email account does no exists".
  /unavailable mail user|don'?t exists? that user|not (?:a )?user of this server|does not have an account|\bdoes no exists?\b/,
  // PHPMailer-BMH rules (github.com/hippich/PHPMailer-BMH, phpmailer-bmh_rules.php): 0136 "Mailbox ( … ) not found or
  // inactivated", 0198 "User not a member of domain", 0183 "account expired", 0177 "User account not activated",
  // 0170 "Account closed due to inactivity", 0194 IceWarp "mail receiving disabled", 0106 "user path no exist",
  // 0128 "unknown or illegal alias", 0159 "Wrong recipients", 0164 "can't find user's mailbox"; Coremail "user is locked".
  /(?:mailbox|user|recipient|account) [(<[]? ?[^\s()<>[\]]+ ?[)>\]]? (?:not found|does not exist|unknown)|inactivated/,
  /not a member of (?:this |the )?domain|(?:user|account) not activated|closed due to inactivity/,
  /mail receiving disabled|user path no exist|illegal alias|wrong recipients?\b|can'?t find[^.;]{0,20}mailbox|user is locked/,
  // PHP-Bounce-Handler's catalogue (github.com/cfortune/PHP-Bounce-Handler, as kept in eNichers/node-bounce-handler
  // lib/responses.js): "No such mail drop defined", "No one with that email address here", "not known to this
  // system", "Email Address was not found", "ADDRESS_NOT_FOUND", "Addressee unknown", "incorrectly addressed", "no longer
  // an employee", "doesn't handle mail for that user", "unknown or illegal user"; it "destin. Sconosciuto", "Destinatario
  // errato"; de "Adressat unbekannt"; pl "Nie ma takiego konta".
  /no such mail ?drop|no one with that e-?mail address|not known to this system|address was not found|address_not_found/,
  /add?ressee unknown|incorrectly addressed|no longer an employee|handle mail for that user|illegal user|unable to find alias/,
  /unknown account|invalid account|\buser invalid|recipients are invalid|address (?:is )?not recognized|inactive recipient/,
  /(?:the|recipient'?s?) (?:e-?mail )?address is invalid|destin\. sconosciuto|destinatario (?:errato|sconosciuto)/,
  /adressat unbekannt|nie ma takiego konta/,
  // Chinese providers' English replies (fobhost.com and 263.net bounce tables): "This target address is not our MX
  // service client", "User <address> is disabled", "<address> is now disabled with SMTP service" (PHPMailer-BMH 0152).
  /not our (?:mx )?(?:service )?client|(?:user|account|mailbox) [^\s]+@[^\s]+ is (?:disabled|deactivated|locked|frozen)/,
  /is now disabled|disabled with (?:the )?smtp service/,
  // RFC 3463's own descriptions, which many servers print without the code (Yandex's bounce table lists them): X.1.1
  // "Bad destination mailbox address", X.1.6 "Destination mailbox has moved"; Gmail's NDR title "Address not found".
  /bad destination (?:mailbox )?address|(?:mailbox|user|recipient|address) has moved|\baddress not found\b/,
  // Accounts and mailboxes deleted, removed, expired or out of service; people who left.
  tailFirst(
    /(?:mailbox|account|address|user)\b/,
    /[^.;:]{0,20}/,
    /\b(?:has been |was |is )?(?:deleted|removed)\b/,
    /(?:deleted|removed)\b/,
  ),
  /\bno mailbox\b|mailbox unknown/,
  /account (?:has |is )?expired|no longer in service|no longer with (?:the|this) (?:company|organi[sz]ation)/,
  // IBM Domino / Lotus Notes in their own languages (Sisimai Lhost/Domino.pm: "Domino ディレクトリには見つかりません"; the
  // Spanish, French and Japanese Notes forms of "not listed in Domino Directory"); Exchange's German NDR "… wurde nicht
  // in … gefunden" ("was not found in <domain>").
  /ディレクトリには見つかりません|ディレクトリのリストにありません|no se encuentra en el directorio|r[eé]pertori[eé] dans l'annuaire/,
  /wurde (?:in [^\s]+ )?nicht (?:in [^\s]+ )?gefunden/,
  // Exchange's localised NDR for 5.1.1 ("The email address … couldn't be found"): de "… wurde im E-Mail-System des
  // Empfängers nicht gefunden", fr "… est introuvable", es "no se encontró", it "non è stato trovato", pt "não foi
  // encontrado", nl "niet gevonden / bestaat niet"; pl "nie istnieje" (Interia, Onet and WP help pages).
  /(?:adresse|empf[aä]nger)[^.;]{0,80}nicht gefunden|(?:adresse|destinataire)[^.;]{0,60}introuvable/,
  /(?:direcci[oó]n|destinatario)[^.;]{0,60}no se (?:encontr[oó]|encuentra)/,
  /(?:indirizzo|destinatario)[^.;]{0,60}non (?:[eè] stato )?trovat/,
  /(?:endere[cç]o|destinat[aá]rio)[^.;]{0,60}n[aã]o foi encontrad/,
  /(?:adres|ontvanger|gebruiker)[^.;]{0,60}(?:niet gevonden|bestaat niet|onbekend)/,
  /(?:adres|u[zż]ytkownik|skrzynka|konto)[^.;]{0,30}nie istnieje/,
  // Czech (napoveda.seznam.cz "Uživatel neexistuje", faq.c4.cz "Schránka neexistuje": user / mailbox does not exist).
  /(?:u[zž]ivatel|schr[aá]nka|adres[aá]t|adresa)[^.;]{0,30}neexistuje/,
  // Chinese (用户/收件人/邮箱/帐号 不存在: "user / recipient / mailbox / account does not exist", the wording Chinese
  // providers' help pages give for these replies, e.g. emailhost.com.cn "收件人不存在: user not exist").
  /(?:用户|用戶|收件人|邮箱|郵箱|帐号|帳號|账号|账户|地址)(?:名)?不存在/,
  // Korean ("존재하지 않는 사용자/계정/주소": "user / account / address that does not exist"; "수신자 없음").
  /없는 (?:사용자|계정|주소|아이디)|존재하지 않는 (?:사용자|계정|주소|메일|아이디)|(?:사용자|수신자|받는 사람)[^.]{0,10}(?:존재하지 않|없습니다|없음)|계정이 (?:존재하지 않|없습니다)/,
  // Russian ("пользователь не найден / не существует", "нет такого пользователя", "ящик не существует").
  /(?:пользовател[ьяю]|адрес|ящик|получател[ьяю]|аккаунт)[^.;]{0,30}(?:не найден|не существует)|нет такого (?:пользователя|ящика|адреса)/,
  /такого (?:пользователя|ящика|адреса) нет|неизвестный (?:получатель|пользователь|адрес)/,
);
// Suspended or locked mailboxes (Sisimai why-suspend.go; La Poste "Le compte du destinataire est bloque"; 525 RFC 4954).
const SUSPENDED_MAILBOX = family(
  phrase(
    /(?:recipient|destinataire|user|mailbox|inbox)(?:'s)? (?:account )?(?:[^\s]+@[^\s]+ )?(?:is |has been )?/,
    /(?:currently |temporar(?:y|ily) )?(?:suspended|locked|frozen|blocked)/,
  ),
  /(?:account|mailbox) (?:is |has been )?(?:currently |temporar(?:y|ily) )?(?:suspended|locked|frozen)|disabled recipient/,
  /compte du destinataire est bloqu/,
  tailFirst(/(?<!your )(?:mailbox|account|user|recipient)/, /[^.;]{0,20}/, /(?:is currently|has been|temporarily) suspended/),
  /user (?:is )?terminated/,
  /mailbox (?:is )?disabled|user (?:is )?suspended|user or domain is disabled|inactive (?:account|user)/,
  // Sisimai Reason/Suspend.pm: Gmail "The email account that you tried to reach is disabled", QQ "is a deactivated
  // mailbox", "recipient suspend the service", qmail-ldap "Mailaddress is administratively disabled", "… is currently
  // suspended"; Orange/La Poste "Boite du destinataire archivee" (LPN420); Korean portals "Inactive mbox".
  /tried to reach is (?:disabled|inactive)|deactivated (?:mailbox|account)|suspend the service|administrative(?:ly|ley) disabled/,
  /@[^\s]+ is currently suspended|destinataire archiv[eé]e|inactive mbox/,
  // The same catalogue: boxes closed for disuse or by an administrator, in their own languages (it "bloccato per
  // inutilizzo", es "casilla ha expirado por falta de uso", "estado: inactivo", de "Mailbox deaktiviert", fr "boite aux
  // lettres desactivee", pl "konto jest zablokowane administracyjnie lub nieaktywne"), "blocked due to inactivity",
  // "mail is not currently being accepted for this mailbox" (Sisimai Reason/Filtered.pm: "due to extended inactivity").
  /bloccato per inutilizzo|casilla ha expirado|estado: inactivo|mailbox deaktiviert|bo[iî]te aux lettres d[eé]sactiv[eé]e/,
  /konto jest zablokowane|(?:mailbox|recipient)[^.;]{0,20}was disabled|due to inactivity|not currently being accepted for this mailbox/,
);
const MAILBOX_FULL = family(
  /over ?quota|quota ?exceeded|exceeded (?:its |the |their )?(?:storage|quota)/,
  tailFirst(/mailbox|inbox|mail ?box|account|user/, /[^.;]{0,30}/, /\bfull\b/),
  /(?:mailbox|inbox|account) (?:size|storage) (?:limit|exceeded)/,
  /insufficient (?:disk )?(?:space|storage) (?:for|in) (?:the )?(?:user|mailbox)/,
  /exceeded storage allocation|quota violation|exhausted[^.;]{0,20}(?:storage|quota|space)/,
  // fr "boîte pleine", de "Postfach voll", es "buzón lleno", pt "caixa cheia", it "casella piena".
  /bo[iî]te (?:aux lettres |mail )?(?:est )?pleine|postfach (?:ist )?voll|buz[oó]n (?:est[aá] )?lleno/,
  /caixa[^.;]{0,20}cheia|casella[^.;]{0,20}piena/,
  // Sisimai Reason/MailboxFull.pm and PHPMailer-BMH (0145, 0192, 0219): docomo "too much mail data", "recipient storage
  // full", Hermes "the destination mailbox <…> is full", "error writing message: File too large", "Mailbox space not enough".
  /too much mail data|storage (?:is )?full|mailbox <[^<>]*> is full|file too large|space not enough|not enough space/,
);
// The full mailbox said to be temporary in words ("try again later", "temporarily over quota"): retried whatever the code
// (PHPMailer-BMH 0145 "552 recipient storage full, try again later"; Sisimai "is over quota temporarily", EZweb "The
// user(s) account is temporarily over quota").
const MAILBOX_FULL_FOR_NOW = family(
  /(?:full|quota)[^.;]{0,40}(?:try again|retry|later)|temporar(?:il)?y over quota|over quota temporarily/,
);
const CONTENT = family(
  /malware|virus|infected|attachment|macros?\b|message size|size (?:limit|exceeds|exceeded)|maximum (?:e-?mail |message )?size/,
  /exceeds?[^.;]{0,30}size|SizeLimit|too (?:large|big)|message content|content (?:presents|rejected|filter|policy|restrictions?|denied)/,
  /content (?:judged|deemed|considered|identified) (?:to be |as )?spam|prohibited (?:content|file)|banned (?:content|attachment|file)/,
  /executable|phishing|message integrity|headers? (?:are |is )?not (?:rfc|valid)|not rfc ?5322 compliant|message not allowed/,
  // Line length limits (RFC 5321 §4.5.3.1.6; Exim "Line limit exceeded", Postfix "line too long").
  /line (?:length )?limit exceeded|line (?:is )?too long/,
  // Mimecast "Message bounced due to Content Examination policy"; Orange "Taille limite du message atteinte" (LPN514).
  /content examination|taille limite du message/,
  // PHPMailer-BMH 0165 "Content reject", 0212 "MIME/REJECT", 0217 "MIME error", 0218 "Mail data refused by AISP", 0223
  // "Invalid data in message", 0043 "does not accept email in non-Western (non-Latin) character sets"; Coremail "552
  // message is too long", "554 attachment is too long", "552 Virus found".
  /content reject|mime[/ ](?:reject|error)|invalid (?:mime )?structure|mail data refused|invalid data in message/,
  /character sets?\b|non-?(?:western|latin)|(?:message|attachment) is too long|does not comply with required standards/,
  // University of Roma Tre's guide: "Disallowed Attach Type" (an attachment type the system refuses).
  /attach(?:ment)? type|disallowed attach/,
);
const REPUTATION = family(
  /blocked using|block ?list|black ?list|deny ?list|spamhaus|spamcop|barracuda|\bsorbs\b|\bRBLs?\b|\bDNSBLs?\b|uceprotect/,
  /proofpoint|ipcheck|cloudmark|reputation|unsolicited|\bspam\b/,
  /(?:listed|found) (?:at|in|on|by) (?:one or more |the )?(?:[\w.-]+ )?(?:dnsbl|rbl|block ?list|black ?list|spamhaus|sorbs|spamcop)/,
  /listed (?:at|in|on|by)|banned send(?:er|ing)|(?:temporarily|permanently) deferred|deferred due to|user complaints/,
  /polic(?:y|ies) (?:reasons?|restrictions|violation)|(?:local|security|content) policy|due to policy/,
  /(?:rejected|refused|not accepted|blocked|restricted)[^.;]{0,30}polic(?:y|ies)|suspicious|\bblocked\b|\bblacklisted\b/,
  // The receiving side refuses this sending host at connect: Sendmail/iCloud "not accepting connections", Mimecast
  // "Host network not allowed" (Mimecast docs: SMTP error codes), Orange/La Poste "Service refuse", "Mail rejete".
  /not accepting connections|host network not allowed|not (?:currently )?accepting mail from your ip/,
  /you are not allowed to connect|service refus[eé]|mail rejet[eé]/,
  // Netease 163/126 replies point to its anti-spam help page with a code (DT:SPM, MI:IMF, HL:IHU …: mail.163.com/help/
  // help_spam_16.htm, Sisimai Reason/SpamDetected.pm); Tencent "Suspected spam ip", "Suspected bounce attacks"
  // (service.mail.qq.com/detail/122/57, /66); Coremail "IP is rejected", "Invalid IP"; Naver "Your IP is filtered".
  /help_spam|\bdt:spm\b|suspected (?:spam|bounce)|\bip\b[^a-z]{0,20}(?:address )?is (?:rejected|filtered)|\binvalid ip\b/,
  // Dynamic / residential senders and Exim's ACL default "administrative prohibition" (Sisimai Reason/Blocked.pm,
  // Reason/Rejected.pm: "we do not accept mail from dynamic ips", "hosts with dynamic ip", "please use the smtp server
  // of your isp"; Mimecast "Administrative prohibition envelope blocked"); Cisco / IronPort "Message refused".
  /dynamic ips?\b|smtp server of your isp|administrative prohibition|message (?:was )?refused|mail is denied/,
  // Coremail "550 black ip", "554 Black mail address", "554 rbl deny", "552 message rejected by anti-spam engine",
  // "552 too many same size mails", "553 fake router infomation", "mail <id> is rejected" (PHPMailer-BMH 0147);
  // PHPMailer-BMH 0144 "denyip", 0200 "SpamTrap", 0230 "junk mail", 0227 "Message filtered".
  /black ?ip\b|black mail address|rbl deny|anti-?spam engine|same size mails|fake router|\bmail [^\s]+ is rejected/,
  /denyip|spamtrap|junk mail|message filtered|spam_suspect|ip_control/,
  // Outlook.com "Unfortunately, messages from [IP] weren't sent" (its postmaster's SC-/OU-/DY- codes), "does not relay
  // dynamically-assigned IP ranges"; AOL "will not accept delivery of this message" (AOL postmaster error codes).
  /dynamically[- ]assigned ip|will not accept (?:delivery of )?this message/,
  // PHP-Bounce-Handler's catalogue: "dial-up or dynamic-ip denied", "Bad IP Profile", "not allowed access from your
  // location", "Connection refused due to abuse", "security regulations", "declared Spam"; pl "odrzucona przez system
  // antyspamowy".
  /your access to (?:this|our) (?:e-?)?mail system|dial-?up|dynamic-ip|bad ip profile|access from your location/,
  /refused due to abuse|security regulations|declared spam/,
  // Baruwa's banned senders list: "The sender <IP> is banned", "The domain <domain> is banned".
  /(?:the )?(?:sender|domain|ip) [^\s]+ is banned/,
  /antyspam/,
);
const SERVER_BUSY = family(
  /server (?:is )?(?:too )?busy|too many (?:connections|concurrent|sessions)|(?:maximum|too many) (?:number of )?connections/,
  /try (?:again )?later|resources? (?:temporarily )?unavailable|system(?:\([^()]*\))? (?:is )?busy/,
);
// The receiving system failed (Sisimai why-systemerror.go: "Internal system error"). A bare 554 "Service unavailable"
// is left to the 554 rule: it is as often said about one recipient as about the whole server.
const SERVER_FAULT = family(
  /internal (?:system |server )?error|\bsystem error/,
  // The receiving system's own disk is full (Sisimai Reason/SystemFull.pm "mail system full"; qmail "mailbox unavailable
  // (not enough free space)"; RFC 5321 452 "insufficient system storage"; Postfix "queue file write error").
  /mail system full|not enough free space|insufficient system storage|queue file write error/,
  // PHPMailer-BMH 0142 "Temporary local problem", 0153 "system config error", 0120/0172 "I/O error", 0173 "can not open
  // new email file"; Coremail "450 out of memory", "450 queue unavailable", "450 database temporary error".
  /temporary local problem|system config(?:uration)? error|\bi\/o error|input\/output error|can ?not open new email file/,
  /out of memory|queue unavailable|database temporary error/,
);
const RECEIVE_RATE = family(
  /receiving mail (?:at a rate|too quickly)|limit for the number of messages[^.;]{0,40}receive/,
  /receiv\w* (?:too many messages|rate limit)|too many messages (?:for|to) (?:this|the) (?:user|recipient|mailbox)/,
);
const CONNECTION = family(
  /(?:unable|not able|wasn'?t able|failed|could ?n[o']t|cannot) to (?:establish|make|open|connect)/,
  /connection (?:timed out|refused|reset|lost|dropped)|timed out|queue too long|message expired/,
  // Exim "all hosts for … have been failing for a long time (and retry time not reached)", "retry timeout exceeded".
  /failing for a long time|retry time(?:out)? (?:not reached|exceeded)/,
  // Postfix "delivery temporarily suspended: …", "No route to host"; IceWarp "connection with … is broken" (PHPMailer-BMH
  // 0213, 0188, 0231).
  /delivery temporarily suspended|no route to host|connection (?:with [^\s]+ )?is broken/,
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
  // Outlook.com postmaster codes of a refused sending host: SC-00x, OU-00x, DY-00x ("Unfortunately, messages from … weren't sent").
  { id: 'outlook-postmaster-code', category: 'reputation-block', text: /(?:SC|OU|DY)-00\d\b/ },
  // AOL / Verizon Media postmaster codes (RLY:B1, RLY:SUR, DYN:T1, HVU:B1, CON:B1, IPTS04 …): the sending host.
  { id: 'aol-postmaster-code', category: 'reputation-block', text: /(?:RLY|DYN|HVU|CON|RTR):[A-Z]{1,3}\d?\b|\bIPTS0\d\b/ },
  // NetEase (163/126/yeah.net) anti-spam codes, all about the sending host or account: HL:REP/ICC/IFC/MEP/IHU, MI:CEL/
  // DMC/SFQ/IMF/STC, RP:DRC/TRC/RDN, DT:SPM/RBL, WM:BLI/BLU, IP:BLK (mail.163.com/help/help_spam_16.htm).
  { id: 'netease-sender-code', category: 'reputation-block', text: /(?:HL|MI|RP|DT|WM|IP|SL):[A-Z]{3}\b/ },
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
  { id: 'text-list-quality', category: 'reputation-block', text: LIST_QUALITY },
  // Under a 4xx the limit is simply retried (per-message recipient limits, Microsoft 4.5.3).
  { id: 'text-sending-limit', category: 'sending-limit', classes: NOT_TRANSIENT, text: SENDING_LIMIT },
  { id: 'text-mail-loop', category: 'service-unavailable', text: MAIL_LOOP },
  { id: 'text-recipient-policy', category: 'recipient-policy-block', text: RECIPIENT_POLICY },
  { id: 'text-malformed-address', category: 'malformed-address', classes: PERMANENT, text: MALFORMED },
  // A lookup that failed for now says nothing yet about the domain.
  { id: 'text-dns-temporary', category: 'service-unavailable', text: DNS_TEMPORARY },
  { id: 'text-invalid-domain', category: 'invalid-domain', classes: NOT_TRANSIENT, text: INVALID_DOMAIN },
  { id: 'text-not-accepting-mail', category: 'invalid-domain', classes: NOT_TRANSIENT, text: NOT_ACCEPTING_MAIL },
  { id: 'text-no-such-mailbox', category: 'invalid-address', classes: NOT_TRANSIENT, text: NO_SUCH_MAILBOX },
  { id: 'text-mailbox-suspended', category: 'invalid-address', classes: NOT_TRANSIENT, text: SUSPENDED_MAILBOX },
  { id: 'text-mailbox-full-for-now', category: 'mailbox-full', text: MAILBOX_FULL_FOR_NOW },
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
