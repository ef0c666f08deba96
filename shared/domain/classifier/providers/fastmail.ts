/** Fastmail. */
export const domains = ['fastmail.', 'fastmail.fm'];
