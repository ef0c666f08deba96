import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORY_POLICY, classifyRecipient, CLASSIFICATION_RULES, PROVIDERS } from '../../shared/domain/index.js';
import type { Knowledge } from '../../shared/domain/classifier/wording.js';

/**
 * Every wording family and every provider keeps its public source and a few
 * real rows beside its phrases; each row must get the decision it states, from
 * the rule it names. A file without examples, or a rule of its own that none
 * of its examples shows, fails here.
 */
const classifierDir = join(import.meta.dirname, '../../shared/domain/classifier');

interface KnowledgeFile {
  readonly name: string;
  readonly about: Knowledge;
  /** The precedence table's rules whose text pattern this file exports. */
  readonly ownRules: readonly string[];
}

async function knowledgeFiles(folder: 'families' | 'providers'): Promise<KnowledgeFile[]> {
  const names = readdirSync(join(classifierDir, folder))
    .filter((file) => file.endsWith('.ts') && file !== 'index.ts')
    .sort();
  return Promise.all(
    names.map(async (file) => {
      const module = (await import(join(classifierDir, folder, file))) as Record<string, unknown> & { about?: Knowledge };
      const patterns = new Set(Object.values(module).filter((value): value is RegExp => value instanceof RegExp));
      const ownRules = CLASSIFICATION_RULES.filter((rule) => rule.text !== undefined && patterns.has(rule.text)).map((rule) => rule.id);
      expect(module.about, `${folder}/${file} exports no \`about\``).toBeDefined();
      return { name: `${folder}/${file}`, about: module.about as Knowledge, ownRules };
    }),
  );
}

const families = await knowledgeFiles('families');
const providers = await knowledgeFiles('providers');

describe.each([
  ['wording family', families],
  ['provider', providers],
])('every %s file', (_kind, files) => {
  it('is found', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((file) => [file.name, file] as const))('%s: names its source and shows each of its rules', (_name, file) => {
    expect(file.about.source.length).toBeGreaterThan(0);
    for (const reference of file.about.source) expect(reference.trim()).not.toBe('');
    expect(file.about.examples.length).toBeGreaterThan(0);
    const shown = new Set(file.about.examples.map((example) => example.rule));
    for (const rule of file.ownRules) expect(shown, `${file.name}: no example for ${rule}`).toContain(rule);
  });

  it.each(files.flatMap((file) => file.about.examples.map((example) => [file.name, example.from, example] as const)))(
    '%s: %s classifies as stated',
    (_name, _from, example) => {
      const decision = classifyRecipient(
        {
          recipient: example.recipient ?? 'someone@example.org',
          status: example.status ?? null,
          diagnosticCode: example.diagnosticCode,
          bounceType: example.bounceType ?? 'Permanent',
          bounceSubType: example.bounceSubType ?? 'General',
        },
        false,
      );
      expect(decision.rule).toBe(example.rule);
      expect(decision.category).toBe(example.category);
      expect(decision.action).toBe(example.action);
      expect(CATEGORY_POLICY[example.category].action).toBe(example.action);
      if (example.provider !== undefined) expect(decision.provider).toBe(example.provider);
    },
  );
});

describe('the classifier folder', () => {
  it('has a wording family file for every text rule of section 3 and a provider file for every provider', () => {
    const familyRules = new Set(families.flatMap((file) => file.ownRules));
    const sectionThree = CLASSIFICATION_RULES.filter(
      (rule) => rule.id.startsWith('text-') && rule.id !== 'text-access-denied' && rule.id !== 'text-policy',
    );
    for (const rule of sectionThree) expect(familyRules, rule.id).toContain(rule.id);
    const providerNames = new Set(providers.map((file) => file.name.replace(/^providers\/|\.ts$/g, '')));
    for (const provider of PROVIDERS.filter((name) => name !== 'other')) expect(providerNames, provider).toContain(provider);
  });
});
