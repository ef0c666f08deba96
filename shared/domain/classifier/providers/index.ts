import type { Provider } from '../../types.js';
import * as amazonSes from './amazon-ses.js';
import * as apple from './apple.js';
import * as att from './att.js';
import * as barracuda from './barracuda.js';
import * as comcast from './comcast.js';
import * as fastmail from './fastmail.js';
import * as gmail from './gmail.js';
import * as gmx from './gmx.js';
import * as mailru from './mailru.js';
import * as microsoft from './microsoft.js';
import * as mimecast from './mimecast.js';
import * as orange from './orange.js';
import * as proofpoint from './proofpoint.js';
import * as proton from './proton.js';
import * as tOnline from './t-online.js';
import * as yahoo from './yahoo.js';
import * as yandex from './yandex.js';
import * as zoho from './zoho.js';

/**
 * Consumer domains by provider, one file each. A domain matches itself or a
 * country variant (`hotmail.co.uk`) through the `base.` prefix entries, tried
 * in this order.
 */
const DOMAIN_PROVIDERS: ReadonlyArray<readonly [Provider, readonly string[]]> = [
  ['gmail', gmail.domains],
  ['microsoft', microsoft.domains],
  ['yahoo', yahoo.domains],
  ['att', att.domains],
  ['apple', apple.domains],
  ['comcast', comcast.domains],
  ['gmx', gmx.domains],
  ['t-online', tOnline.domains],
  ['yandex', yandex.domains],
  ['mailru', mailru.domains],
  ['zoho', zoho.domains],
  ['proton', proton.domains],
  ['orange', orange.domains],
  ['fastmail', fastmail.domains],
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
 * reply text even when the recipient's domain is a company's own. The first
 * marker found names the provider.
 */
const TEXT_PROVIDERS: ReadonlyArray<readonly [Provider, RegExp]> = [
  ['gmail', gmail.replyMarker],
  ['microsoft', microsoft.replyMarker],
  ['yahoo', yahoo.replyMarker],
  ['apple', apple.replyMarker],
  ['mimecast', mimecast.replyMarker],
  ['proofpoint', proofpoint.replyMarker],
  ['barracuda', barracuda.replyMarker],
  ['t-online', tOnline.replyMarker],
  ['gmx', gmx.replyMarker],
  ['amazon-ses', amazonSes.replyMarker],
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
