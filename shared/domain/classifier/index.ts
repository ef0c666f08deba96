// The classifier's public face: what the rest of the code base may import (through shared/domain/index.ts).
export * from './classify.js';
export { clearVerdictCache, VERDICT_CACHE_LIMIT, VERDICT_CACHE_MAX_KEY_LENGTH, verdictCacheSize } from './engine/cache.js';
export * from './engine/match.js';
export { factorByFirstCharacter, requiredLiteral, trigramGate } from './engine/optimise.js';
export * from './engine/smtp.js';
export * from './engine/verdict.js';
export * from './policy.js';
export * from './precedence.js';
export * from './providers/index.js';
export type { ClassificationRule } from './wording.js';
