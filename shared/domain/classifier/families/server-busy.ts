import { family, type Knowledge } from '../wording.js';

export const SERVER_BUSY = family(
  /server (?:is )?(?:too )?busy|too many (?:connections|concurrent|sessions)|(?:maximum|too many) (?:number of )?connections/,
  /try (?:again )?later|resources? (?:temporarily )?unavailable|system(?:\([^()]*\))? (?:is )?busy/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['RFC 5321 421 / 452 replies', 'Sisimai Reason/TooManyConn.pm'],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#hmailserver-451-greylisting',
      status: '4.0.0',
      diagnosticCode: 'smtp; 451 Please try again later.',
      bounceType: 'Transient',
      rule: 'text-server-busy',
      category: 'service-unavailable',
      action: 'retry',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-5.jsonl#comcast-421-470-too-many-connections',
      status: '4.7.0',
      diagnosticCode: 'smtp; 421 4.7.0 too many connections',
      bounceType: 'Transient',
      rule: 'text-server-busy',
      category: 'service-unavailable',
      action: 'retry',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-4.jsonl#mimecast-451-internal-resource-temporarily-unavailable',
      status: '4.0.0',
      diagnosticCode: 'smtp; 451 Internal resource temporarily unavailable',
      bounceType: 'Transient',
      rule: 'text-server-busy',
      category: 'service-unavailable',
      action: 'retry',
    },
  ],
};
