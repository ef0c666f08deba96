import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const sharedCorpus = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const vendoredCorpus = `${projectRoot}test/fixtures/corpus/`;

/** The brief's corpus beside the checkout when present, else the copy vendored in test/fixtures. */
export const corpusDir = existsSync(sharedCorpus) ? sharedCorpus : vendoredCorpus;

export interface CorpusCase {
  id: string;
  recipient: string;
  status: string | null;
  diagnosticCode: string;
  bounceType: string;
  bounceSubType: string;
  category: string;
  suppress: boolean;
}

export function readJsonLines<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

export const diagnosticsCorpus = (): CorpusCase[] => readJsonLines<CorpusCase>(`${corpusDir}diagnostics.jsonl`);

export function notificationFixture(name: string): unknown {
  return JSON.parse(readFileSync(`${corpusDir}notifications/${name}`, 'utf8'));
}

export const notificationFixtureNames = (): string[] => readdirSync(`${corpusDir}notifications`).filter((f) => f.endsWith('.json'));

export { projectRoot };
