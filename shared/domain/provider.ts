import type { Provider } from './types.js';

/**
 * Consumer domains by provider. A domain matches itself or a country variant
 * (`hotmail.co.uk`) through the `base.` prefix entries.
 */
const DOMAIN_PROVIDERS: ReadonlyArray<readonly [Provider, readonly string[]]> = [
  ['gmail', ['gmail.com', 'googlemail.com', 'google.com']],
  ['microsoft', ['outlook.', 'hotmail.', 'live.', 'msn.com', 'passport.com', 'windowslive.com']],
  ['yahoo', ['yahoo.', 'ymail.com', 'rocketmail.com', 'aol.', 'aim.com', 'verizon.net']],
  ['att', ['att.net', 'sbcglobal.net', 'bellsouth.net', 'pacbell.net', 'swbell.net', 'flash.net', 'prodigy.net']],
  ['apple', ['icloud.com', 'me.com', 'mac.com']],
  ['comcast', ['comcast.net', 'xfinity.com']],
  ['gmx', ['gmx.', 'web.de', 'mail.com']],
  ['t-online', ['t-online.de', 'magenta.de']],
  ['yandex', ['yandex.', 'ya.ru']],
  ['mailru', ['mail.ru', 'inbox.ru', 'list.ru', 'bk.ru', 'internet.ru']],
  ['zoho', ['zoho.com', 'zohomail.', 'zoho.eu', 'zoho.in']],
  ['proton', ['proton.me', 'protonmail.', 'pm.me']],
  ['orange', ['orange.fr', 'wanadoo.fr']],
  ['fastmail', ['fastmail.', 'fastmail.fm']],
];

const EXACT = new Map<string, Provider>();
const PREFIXES: Array<readonly [string, Provider]> = [];
for (const [provider, domains] of DOMAIN_PROVIDERS) {
  for (const domain of domains) {
    if (domain.endsWith('.')) PREFIXES.push([domain, provider]);
    else EXACT.set(domain, provider);
  }
}

/**
 * Hosted mail (Google Workspace, Microsoft 365, gateways) shows itself in the
 * reply text even when the recipient's domain is a company's own.
 */
const TEXT_PROVIDERS: ReadonlyArray<readonly [Provider, RegExp]> = [
  ['gmail', /\bgsmtp\b|support\.google\.com|google\.com\/mail/i],
  [
    'microsoft',
    new RegExp(
      [
        /outlook\.com|\bRESOLVER\.|\bSTOREDRV\b|\bprotection\.outlook|aka\.ms\//,
        /sender\.office\.com|go\.microsoft\.com|mail\.live\.com|\bAS\(\d+\)/,
      ]
        .map((part) => part.source)
        .join('|'),
      'i',
    ),
  ],
  ['yahoo', /yahoo(?:inc)?\.com|\[TSS?\d+\]/i],
  ['apple', /support\.apple\.com|icloud\.com|\[CS\d+\]/i],
  ['mimecast', /mimecast/i],
  ['proofpoint', /proofpoint|pphosted/i],
  ['barracuda', /barracuda/i],
  ['t-online', /t-online\.de/i],
  ['gmx', /gmx\.(?:net|de)|web\.de/i],
  ['amazon-ses', /^Amazon SES\b/],
];

/** The provider a recipient domain belongs to, or null when the domain names none. */
export function providerOfDomain(domain: string): Provider | null {
  const exact = EXACT.get(domain);
  if (exact) return exact;
  for (const [prefix, provider] of PREFIXES) {
    if (domain.startsWith(prefix)) return provider;
  }
  return null;
}

/** The provider a reply text shows (hosted mail, gateways), or `other`. */
export function providerOfText(text: string | null | undefined): Provider {
  if (text) {
    for (const [provider, pattern] of TEXT_PROVIDERS) {
      if (pattern.test(text)) return provider;
    }
  }
  return 'other';
}

/** The receiving provider, from the recipient's domain and, failing that, the reply text. */
export function providerOf(domain: string, text: string | null | undefined): Provider {
  return providerOfDomain(domain) ?? providerOfText(text);
}
