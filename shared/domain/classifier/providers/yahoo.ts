/** Yahoo, AOL and Verizon's consumer mail (one provider since Verizon Media). */
export const domains = ['yahoo.', 'ymail.com', 'rocketmail.com', 'aol.', 'aim.com', 'verizon.net'];
export const replyMarker = /yahoo(?:inc)?\.com|\[TSS?\d+\]/i;
/** Yahoo's [TSxx] deferral codes (Yahoo Sender Hub, "SMTP error codes"): the sending host's reputation. */
export const TS_DEFERRAL = /\[TSS?\d{2}\]/;
/** AOL / Verizon Media postmaster codes (RLY:B1, RLY:SUR, DYN:T1, HVU:B1, CON:B1, IPTS04 …): the sending host. */
export const AOL_POSTMASTER_CODE = /(?:RLY|DYN|HVU|CON|RTR):[A-Z]{1,3}\d?\b|\bIPTS0\d\b/;
