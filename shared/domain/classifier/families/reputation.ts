import { family, type Knowledge } from '../wording.js';

export const REPUTATION = family(
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

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: [
    "Spamhaus, SpamCop, Barracuda and other DNSBLs' reply texts",
    'Sisimai Reason/Blocked.pm, Reason/Rejected.pm, Reason/SpamDetected.pm',
    'Mimecast SMTP error codes',
    'NetEase (mail.163.com/help/help_spam_16.htm)',
    'Tencent (service.mail.qq.com)',
    'Outlook.com and AOL postmaster codes',
    'Coremail',
    'PHPMailer-BMH',
    'PHP-Bounce-Handler',
    'Baruwa',
  ],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#coremail-554-rbl-deny',
      status: '5.0.0',
      diagnosticCode: 'smtp; 554 rbl deny.',
      rule: 'text-reputation',
      category: 'reputation-block',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-4.jsonl#antispameurope-554-554-spam-ip-rejected',
      status: '5.5.4',
      diagnosticCode: 'smtp; 554 5.5.4 Spam IP rejected',
      rule: 'text-reputation',
      category: 'reputation-block',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-5.jsonl#sbcglobal-451-temporarily-deferred-160',
      status: '4.0.0',
      diagnosticCode: 'smtp; 451 Message temporarily deferred - [160]',
      bounceType: 'Transient',
      rule: 'text-reputation',
      category: 'reputation-block',
      action: 'investigate',
    },
  ],
};
