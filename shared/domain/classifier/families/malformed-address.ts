import { family, tailFirst } from '../wording.js';

export const MALFORMED = family(
  /not a valid RFC[- ]?5?321 address|bad (?:recipient )?address syntax|need fully[- ]qualified address/,
  tailFirst(/recipient|address|mailbox/, /[^.;]{0,30}/, /syntax (?:error|illegal|invalid)|malformed|illegal characters?/),
  /syntax error in (?:recipient|address|mailbox)/,
);
