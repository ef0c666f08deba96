/** Zoho Mail. */
export const domains = ['zoho.com', 'zohomail.', 'zoho.eu', 'zoho.in'];
