/** iCloud Mail. */
export const domains = ['icloud.com', 'me.com', 'mac.com'];
export const replyMarker = /support\.apple\.com|icloud\.com|\[CS\d+\]/i;
/** iCloud's [CSxx] policy codes: the sender's policy standing. */
export const CS_POLICY = /\[CS\d{2}\]/;
