import { RECORDS_FAILED_BACK } from '../../local/runtime.js';

/** What a spawned `bounce start` said on its log (JSON Lines on a pipe), read back by the tests. */

export interface InjectedFaults {
  readonly calls: number;
  readonly throttled: number;
  readonly failed500: number;
}

const entries = (output: string): Array<Record<string, unknown>> =>
  output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

/** The runtimes' own counts of injected DynamoDB faults, logged at each clean stop, added up (null: none logged). */
export function injectedFaults(output: string): InjectedFaults | null {
  const logged = entries(output).filter((entry) => entry.message === 'DynamoDB faults injected in this run');
  if (logged.length === 0) return null;
  const sum = (field: keyof InjectedFaults) => logged.reduce((total, entry) => total + Number(entry[field] ?? 0), 0);
  return { calls: sum('calls'), throttled: sum('throttled'), failed500: sum('failed500') };
}

/** Records the runtime's poller put back on the queue because classify reported them failed, added up over its batches. */
export function failedBackRecords(output: string): number {
  return entries(output)
    .filter((entry) => entry.message === RECORDS_FAILED_BACK)
    .reduce((total, entry) => total + Number(entry.records ?? 0), 0);
}

/** Records classify sent straight to the DLQ because they can never succeed (not JSON, not SES). */
export function deadLetteredRecords(output: string): number {
  return entries(output).filter((entry) => entry.message === 'Record can never succeed: sent to the DLQ').length;
}
