import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scaledClock } from './ses-world.js';

/** `DIR/clock.json`: the runtime clock's last instant, so a restart never runs it backwards. */
export const CLOCK_FILE = 'clock.json';

/** Real seconds between two saves of the clock while the runtime runs. */
export const CLOCK_SAVE_SECONDS = 1;

/**
 * After a kill -9 the last save is behind the last instant the clock gave, by
 * at most one save interval (more only if the event loop stalled longer): a
 * restart adds this many real seconds, at the time scale, to the saved
 * instant, so the new clock starts past every instant the old one gave out
 * (events it stamped are not "in the future" when they are replayed).
 */
export const CLOCK_KILL_MARGIN_SECONDS = 5;

interface ClockFile {
  readonly version: 1;
  /** The last simulated instant given out (ISO). */
  readonly simulatedAt: string;
  /** The real instant it was read at (ISO). */
  readonly realAt: string;
  readonly timeScale: number;
  /** True while a runtime runs on it: found true at start, that runtime was killed. */
  readonly running: boolean;
}

export interface RuntimeClock {
  /** The clock: `simulated + (now - real) × timeScale`, never going back. */
  readonly clock: () => Date;
  /** Where it started: the real and simulated instants of the same moment (for other processes' copy of the clock). */
  readonly origin: { readonly real: number; readonly simulated: number };
  /** Saves the clock (`running` false on a clean stop). */
  save(running: boolean): Promise<void>;
}

async function readClockFile(dataDir: string): Promise<ClockFile | null> {
  try {
    const file = JSON.parse(await readFile(join(dataDir, CLOCK_FILE), 'utf8')) as Partial<ClockFile>;
    const simulated = Date.parse(String(file.simulatedAt));
    return Number.isNaN(simulated) ? null : (file as ClockFile);
  } catch {
    return null; // none yet, or unreadable: real time is the floor anyway
  }
}

/**
 * The local runtime's clock, monotonic across restarts: it starts from the
 * later of real time and the instant the previous run saved (plus the kill
 * margin when that run did not stop cleanly), and runs `timeScale` times
 * faster than real time from there. Without `persist` (a run in memory, whose
 * state goes with it) it starts from real time and saves nothing.
 */
export async function startRuntimeClock(dataDir: string, timeScale: number, persist: boolean): Promise<RuntimeClock> {
  const real = Date.now();
  const saved = persist ? await readClockFile(dataDir) : null;
  const margin = saved?.running ? CLOCK_KILL_MARGIN_SECONDS * 1000 * Math.max(timeScale, saved.timeScale ?? 1) : 0;
  const simulated = Math.max(real, saved ? Date.parse(saved.simulatedAt) + margin : real);
  const scaled = scaledClock(timeScale, real, simulated);
  let last = 0;
  // A clock never goes back within a run either (the system clock may be stepped back).
  const clock = () => {
    last = Math.max(last, scaled().getTime());
    return new Date(last);
  };
  const path = join(dataDir, CLOCK_FILE);
  return {
    clock,
    origin: { real, simulated },
    save: async (running) => {
      if (!persist) return;
      const file: ClockFile = { version: 1, simulatedAt: clock().toISOString(), realAt: new Date().toISOString(), timeScale, running };
      // Written whole, then renamed: a kill -9 mid-write leaves the previous save.
      await writeFile(`${path}.tmp`, `${JSON.stringify(file)}\n`);
      await rename(`${path}.tmp`, path);
    },
  };
}
