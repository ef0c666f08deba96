import { family, type Knowledge, tailFirst } from '../wording.js';

export const NO_SUCH_MAILBOX = family(
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

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: [
    'Sisimai Reason/UserUnknown.pm and why-userunknown.go (BSD-2)',
    'Exchange Online NDRs (Microsoft Learn, NDR 550 5.1.1)',
    'PHPMailer-BMH rules',
    'PHP-Bounce-Handler',
    'Coremail and NetEase help',
    'Sisimai Lhost/Domino.pm',
    'Orange / La Poste (Sisimai Rhost/FrancePTT.pm)',
    'seznam.cz, Interia, Onet, WP help pages',
  ],
  examples: [
    {
      from: 'test/fixtures/corpus/sisimai-dev.jsonl#sd142',
      status: '5.1.1',
      diagnosticCode: 'SMTP; 550 unknown user',
      rule: 'text-no-such-mailbox',
      category: 'invalid-address',
      action: 'suppress',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#notes-ja-not-in-directory-list',
      diagnosticCode: 'smtp; ディレクトリのリストにありません',
      bounceType: 'Undetermined',
      bounceSubType: 'Undetermined',
      rule: 'text-no-such-mailbox',
      category: 'invalid-address',
      action: 'suppress',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-4.jsonl#sbc-adressee-unknown',
      diagnosticCode: 'smtp; Adressee Unknown',
      bounceType: 'Undetermined',
      bounceSubType: 'Undetermined',
      rule: 'text-no-such-mailbox',
      category: 'invalid-address',
      action: 'suppress',
    },
  ],
};
