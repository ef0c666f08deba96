import { family } from '../wording.js';

export const SERVER_BUSY = family(
  /server (?:is )?(?:too )?busy|too many (?:connections|concurrent|sessions)|(?:maximum|too many) (?:number of )?connections/,
  /try (?:again )?later|resources? (?:temporarily )?unavailable|system(?:\([^()]*\))? (?:is )?busy/,
);
