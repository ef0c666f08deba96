import { config, safeParse as parse, type $ZodType, type output, type util } from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';

// zod/mini (not full zod, about 420 KB minified in every bundle: `npm run bench`) leaves messages
// to a locale, else every problem reads "Invalid input": English, as full zod loads it. Set here,
// where every parse of ours goes, so no bundle can drop it.
config(en());

/** Parse with zod's English messages (any schema, classic or `zod/mini`). */
export const safeParse = <T extends $ZodType>(schema: T, value: unknown): util.SafeParseResult<output<T>> => parse(schema, value);
