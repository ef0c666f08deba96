import type { Writable } from 'node:stream';

/** A stream that may be a terminal (process.stderr is a tty.WriteStream when it is one). */
export type ProgressStream = Writable & { readonly isTTY?: boolean };

export interface ProgressOptions {
  /** What is being counted ("published", "checked"...). */
  readonly unit: string;
  /** Known total, for an ETA. */
  readonly total?: number;
  /** Seconds between plain lines when the stream is not a terminal (default BOUNCE_PROGRESS_SECONDS, else 5). */
  readonly everySeconds?: number;
  readonly now?: () => number;
}

const TTY_REFRESH_MS = 100;

function defaultEverySeconds(): number {
  const fromEnv = Number(process.env.BOUNCE_PROGRESS_SECONDS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 5;
}

const clock = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * Progress of long work on stderr: one line rewritten in place on a terminal
 * (count, rate, ETA when the total is known); plain lines every few seconds
 * otherwise, so a log file or CI output does not fill with control characters.
 */
export class Progress {
  private readonly startedAt: number;
  private lastWriteAt: number;
  private drawn = false;
  private readonly now: () => number;
  private readonly everyMs: number;

  constructor(
    private readonly stream: ProgressStream,
    private readonly label: string,
    private readonly options: ProgressOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.lastWriteAt = this.startedAt;
    this.everyMs = (options.everySeconds ?? defaultEverySeconds()) * 1000;
  }

  private get tty(): boolean {
    return this.stream.isTTY === true;
  }

  /** The line for `done` items so far. */
  text(done: number): string {
    const seconds = (this.now() - this.startedAt) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const parts = [
      `${this.label}: ${done.toLocaleString('en-US')}` +
        `${this.options.total ? ` of ${this.options.total.toLocaleString('en-US')}` : ''}` +
        ` ${this.options.unit}`,
    ];
    if (seconds >= 1) parts.push(`${Math.round(rate).toLocaleString('en-US')}/s`);
    if (this.options.total && rate > 0 && done < this.options.total) parts.push(`ETA ${clock((this.options.total - done) / rate)}`);
    return parts.join(' · ');
  }

  update(done: number): void {
    const now = this.now();
    if (now - this.lastWriteAt < (this.tty ? TTY_REFRESH_MS : this.everyMs)) return;
    this.lastWriteAt = now;
    if (this.tty) {
      this.stream.write(`\r\x1b[2K${this.text(done)}`);
      this.drawn = true;
    } else this.stream.write(`${this.text(done)}\n`);
  }

  /** Clear the line in place (the caller then prints its summary). */
  end(): void {
    if (this.tty && this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
