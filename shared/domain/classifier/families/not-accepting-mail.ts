import { family, phrase } from '../wording.js';

// The receiving host takes no mail at all (RFC 7504: 521/556; RFC 7505 null MX; RFC 3463 X.3.2).
export const NOT_ACCEPTING_MAIL = family(
  phrase(
    /(?:host|domain|system|server)(?: is| are)? (?:not|n't|does not|doesn'?t) accept(?:ing)? /,
    /(?:any )?(?:network )?(?:mail|messages|e-?mail)(?! from)/,
  ),
);
