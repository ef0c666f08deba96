import type { FailureClass, SmtpReply } from '../../types.js';

/** `smtp; `, `dsn; `, `x-postfix; ` … the diagnostic-type prefix SES keeps from the DSN. */
const DIAGNOSTIC_TYPE = /^\s*[a-z][a-z0-9-]*\s*;\s*/i;
/** A basic reply code at the start of a (possibly multi-line, `550-`) reply. */
const LEADING_SMTP_CODE = /^([2-5][0-9]{2})(?:[ -]|$)/;
/**
 * An RFC 3463 enhanced code anywhere in the text: class 2/4/5, subject 0–7,
 * detail 0–999; not part of a longer dotted number such as an IP address or
 * a version string ("4.16.55.1"), and also found as qmail's `(#5.1.1)`.
 */
const ENHANCED_CODE = /(?<![\d.])([245])\.([0-7])\.(\d{1,3})(?!\.?\d)/;
const STATUS_FIELD = /^\s*([245])\.([0-7])\.(\d{1,3})\s*$/;

export function normaliseEnhancedCode(value: string | null | undefined): string | null {
  if (!value) return null;
  const match = STATUS_FIELD.exec(value);
  return match ? `${match[1]}.${match[2]}.${Number(match[3])}` : null;
}

function isGeneric(code: string | null): boolean {
  return code === null || /^[45]\.0\.0$/.test(code);
}

/**
 * Split SES's `diagnosticCode` (and its `status`) into basic code, enhanced
 * code and text. The remote MTA's own enhanced code wins over SES's `status`,
 * except when the text only has a generic X.0.0 and SES knows better.
 */
export function parseSmtpReply(diagnosticCode: string | null | undefined, status?: string | null): SmtpReply {
  let text = (diagnosticCode ?? '').replace(DIAGNOSTIC_TYPE, '').trim();
  let smtpCode: number | null = null;
  const leading = LEADING_SMTP_CODE.exec(text);
  if (leading?.[1] !== undefined) {
    smtpCode = Number(leading[1]);
    text = text.slice(leading[0].length);
  }
  const inText = ENHANCED_CODE.exec(text);
  const textCode = inText ? `${inText[1]}.${inText[2]}.${Number(inText[3])}` : null;
  if (inText && inText.index <= 1) text = text.slice(inText.index + inText[0].length);
  const statusCode = normaliseEnhancedCode(status);
  const enhancedCode = isGeneric(textCode) && !isGeneric(statusCode) ? statusCode : (textCode ?? statusCode);
  return { smtpCode, enhancedCode, text: text.trim() };
}

/**
 * Permanent or transient, from the most precise evidence present: the
 * enhanced code, then the basic code, then SES's bounce type.
 */
export function failureClassOf(reply: SmtpReply, bounceType?: string | null): FailureClass {
  const first = reply.enhancedCode?.charAt(0) ?? (reply.smtpCode === null ? null : String(reply.smtpCode).charAt(0));
  if (first === '5') return 'permanent';
  if (first === '4') return 'transient';
  if (bounceType === 'Permanent') return 'permanent';
  if (bounceType === 'Transient') return 'transient';
  return 'undetermined';
}
