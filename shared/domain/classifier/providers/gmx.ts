/** GMX, WEB.DE and mail.com (United Internet). */
export const domains = ['gmx.', 'web.de', 'mail.com'];
export const replyMarker = /gmx\.(?:net|de)|web\.de/i;
