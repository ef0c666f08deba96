import * as z from 'zod/mini';
import { safeParse } from '../zod-parse.js';
import type { SendRequest } from '../../app/send.js';
import { jsonNestingReason } from '../../domain/index.js';

/**
 * A value SES can carry in a message tag: letters, digits, `_ - . @`, 1 to 256
 * characters. Anything else is refused here rather than rewritten, since a
 * rewritten campaign name would not be the one pauses are checked under.
 */
const sesTagValue = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(256),
    z.regex(/^[A-Za-z0-9_.@-]+$/, 'SES tag values allow only letters, digits and _ - . @ (no spaces)'),
  );

/**
 * One message to send, as `bounce send` reads it (a JSON Lines line) and the
 * send function receives it: `{"to", "from", "subject", "text"?, "html"?,
 * "template"?, "templateData"?, "raw"?, "tags": {"campaign", "batch"?, "source"?}}`.
 * `template` sends an SES template with `templateData`; `raw` sends MIME as is;
 * otherwise `subject` with `text` and/or `html`.
 */
export const SendRequestSchema = z
  .object({
    to: z.string().check(z.minLength(3)),
    from: z.string().check(z.minLength(3)),
    subject: z.optional(z.string()),
    text: z.optional(z.string()),
    html: z.optional(z.string()),
    template: z.optional(z.string().check(z.minLength(1))),
    templateData: z.optional(z.union([z.string(), z.record(z.string(), z.unknown())])),
    raw: z.optional(z.string().check(z.minLength(1))),
    tags: z.object({ campaign: sesTagValue, batch: z.optional(sesTagValue), source: z.optional(sesTagValue) }),
  })
  .check(
    z.refine((m) => m.template !== undefined || m.raw !== undefined || (m.subject !== undefined && (m.text ?? m.html) !== undefined), {
      message: 'give "template", "raw", or "subject" with "text" or "html"',
    }),
  );

export type SendRequestJson = z.infer<typeof SendRequestSchema>;

/** A validated request in the send use case's terms. */
export function toSendRequest(json: SendRequestJson): SendRequest {
  const tags = { campaign: json.tags.campaign, batch: json.tags.batch ?? null, source: json.tags.source ?? null };
  if (json.template !== undefined) {
    const data = json.templateData ?? {};
    return {
      to: json.to,
      from: json.from,
      tags,
      content: { kind: 'template', template: json.template, templateData: typeof data === 'string' ? data : JSON.stringify(data) },
    };
  }
  if (json.raw !== undefined) return { to: json.to, from: json.from, tags, content: { kind: 'raw', mime: json.raw } };
  return {
    to: json.to,
    from: json.from,
    tags,
    content: {
      kind: 'simple',
      subject: json.subject ?? '',
      ...(json.text !== undefined ? { text: json.text } : {}),
      ...(json.html !== undefined ? { html: json.html } : {}),
    },
  };
}

/** Parse one input line; the error names what is wrong (never the address). Never throws. */
export function parseSendLine(line: string): { ok: true; request: SendRequest } | { ok: false; reason: string } {
  // Before anything builds or walks the value (templateData is stringified below).
  const tooDeep = jsonNestingReason(line);
  if (tooDeep !== null) return { ok: false, reason: tooDeep };
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  const parsed = safeParse(SendRequestSchema, json);
  if (!parsed.success) {
    return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ') };
  }
  return { ok: true, request: toSendRequest(parsed.data) };
}
