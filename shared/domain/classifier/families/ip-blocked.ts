import { family } from '../wording.js';

export const IP_BLOCKED = family(
  /\bIP(?: address)? (?:has been |is |was )?(?:temporarily |permanently )?(?:blocked|banned|blacklisted|blocklisted)/,
);
