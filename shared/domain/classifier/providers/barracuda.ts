/** Barracuda's gateway, in front of companies' own domains. */
export const replyMarker = /barracuda/i;
