import { CONTROL_CHARACTER } from './input-limits.js';

/**
 * Address normalisation: the one rule every part of the pipeline (classifier,
 * state keys, API look-ups) uses, so the same mailbox always has the same key.
 *
 * Rule: take the addr-spec inside `<...>` when a display name is present,
 * strip an `smtp:`/`mailto:` prefix, trim whitespace, lower-case the whole
 * address, and write an internationalised domain in its ASCII (Punycode)
 * form, so `kim@münchen.de` and `kim@xn--mnchen-3ya.de` are one address. Dots
 * and `+tags` are kept: they are different addresses for most providers, and
 * SES suppresses the exact address too.
 */
export function normaliseAddress(raw: string): string {
  // Already normal (lower-case ASCII, nothing to strip): every step below would return it unchanged.
  return ALREADY_NORMAL.test(raw) ? raw : normaliseStepByStep(raw);
}

/** The rule above, every step taken (tests check the shortcut gives the same address). */
export function normaliseStepByStep(raw: string): string {
  let address = raw.trim();
  const angle = /<([^<>]*)>\s*$/.exec(address);
  if (angle?.[1] !== undefined) address = angle[1].trim();
  address = address.replace(/^(?:smtp|mailto|rfc822)\s*[:;]\s*/i, '');
  address = address.toLowerCase();
  const at = address.lastIndexOf('@');
  return at < 0 ? address : `${address.slice(0, at + 1)}${asciiDomain(address.slice(at + 1))}`;
}

/** Lower-case letters, digits and the common specials, one `@`: no space, `<`, `:` or `;` for a step to change. */
const ALREADY_NORMAL = /^[a-z0-9._%+=-]+@[a-z0-9.-]+$/;

/** Characters that would make a URL host parse as something else: such a domain is left as it is. */
const NOT_A_HOST = /[\s/?#@:[\]\\%<>^|"`{}]/;

/** The ASCII (Punycode) form of an internationalised domain (WHATWG URL host parsing, as `url.domainToASCII`). */
function asciiDomain(domain: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\u007f]*$/.test(domain) || NOT_A_HOST.test(domain)) return domain;
  try {
    const host = new URL(`http://${domain}/`).hostname;
    return host === '' ? domain : host;
  } catch {
    return domain; // not a valid IDN: kept as given, and invalid to isValidAddress
  }
}

const LOCAL_PART = /^[^\s@"(),:;<>[\]\\]{1,64}$/;
const DOMAIN_LABEL = /^(?!-)[a-z0-9\u00a1-\uffff-]{1,63}(?<!-)$/;

/**
 * A pragmatic validity check on a *normalised* address: one `@`, a local part
 * of 1–64 characters without spaces or specials and no leading, trailing or
 * doubled dot, and a domain of at least two labels (letters, digits, hyphens,
 * IDN characters), 254 characters in all.
 */
export function isValidAddress(address: string): boolean {
  if (address.length > 254) return false;
  // Plain lower-case ASCII addresses (most of them) pass every check below at once.
  return PLAINLY_VALID.test(address) || isValidStepByStep(address);
}

/**
 * Letters, digits and `_%+=-` in dot-separated local atoms (1–64 characters),
 * two or more domain labels of 1–63 letters, digits and inner hyphens: a
 * subset of what the checks below accept (a test holds them to it).
 */
const PLAINLY_VALID =
  /^(?=[^@]{1,64}@)[a-z0-9_%+=-]+(?:\.[a-z0-9_%+=-]+)*@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** Half of a UTF-16 surrogate pair without its other half: not text, so no mailbox (SMTPUTF8 is UTF-8). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** `isValidAddress` without its shortcut, every check made (length aside). */
export function isValidStepByStep(address: string): boolean {
  if (CONTROL_CHARACTER.test(address) || LONE_SURROGATE.test(address)) return false;
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.indexOf('@') !== at) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (!LOCAL_PART.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((label) => DOMAIN_LABEL.test(label));
}

/** The domain part of an address ("" when there is none). */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1);
}

/**
 * A masked form for logs: first character of the local part, then the
 * domain. Enough to spot a pattern, not enough to identify a person.
 */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return '***';
  return `${address.slice(0, 1)}***@${address.slice(at + 1)}`;
}

/** Anything that looks like an address inside free text (an error message, an input snippet). */
const ADDRESS_IN_TEXT = /[^\s"'<>()[\]{},;:@]+@[^\s"'<>()[\]{},;:]+/g;

/** Free text with every address in it masked, for logs. */
export function redactAddresses(text: string): string {
  return text.replace(ADDRESS_IN_TEXT, (address) => maskAddress(address));
}
