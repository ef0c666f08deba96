/** Gmail and Google Workspace (Google's own domains; hosted domains show themselves in the reply). */
export const domains = ['gmail.com', 'googlemail.com', 'google.com'];
/** Google's replies end in `gsmtp` and point to support.google.com. */
export const replyMarker = /\bgsmtp\b|support\.google\.com|google\.com\/mail/i;
