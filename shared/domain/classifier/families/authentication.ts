import { family } from '../wording.js';

export const AUTHENTICATION = family(
  /\bDMARC\b|\bSPF\b|\bDKIM\b|sender policy framework|domainkeys|unauthenticated|not authenticated/,
  /authenticat(?:e|ion) (?:fail|results|required|information|checks)|fail(?:s|ed)? (?:to pass )?authentication/,
  /anti-?spoof|\bspoof/,
);
