/** SES's own texts: what SES says when it did not try to deliver. */
export const replyMarker = /^Amazon SES\b/;
/** SES suppressed the address itself (global or account suppression list). */
export const SUPPRESSION_TEXT = /^Amazon SES (?:has suppressed|did not send)/;
