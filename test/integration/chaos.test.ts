import { describe, expect, it } from 'vitest';
import { runChaos } from '../support/chaos.js';

/**
 * The short form of `npm run chaos` (docs/guarantees.md, The chaos proof): a few thousand events through a spawned
 * `bounce start`, every event twice and out of order, DynamoDB throttling and 500s injected, one
 * kill -9 + restart while messages are queued; the result must equal a clean run of the same events.
 */
describe('chaos (short form of npm run chaos)', () => {
  it('leaves every address state, history and campaign count as a clean run leaves them', async () => {
    const progress: string[] = [];
    const report = await runChaos({ events: 1000, seed: 7, killsAt: [0.5], parallel: true, progress: (line) => progress.push(line) });
    const summary = report.lines.join('\n');
    console.log(summary);
    // The chaos really happened: a kill with messages queued, a restart, faults injected.
    expect(progress.join('\n'), summary).toMatch(/kill -9 of the runtime \(pid \d+\) with [1-9]\d* messages on its queue/);
    expect(report.chaos.peakRssKb, summary).toHaveLength(2);
    expect(report.injected, summary).toMatch(/injected [1-9]\d* throttling errors and \d+ 500s/);
    // Enough of each kind was compared for a difference to show.
    expect(report.comparison.compared.state ?? 0, summary).toBeGreaterThan(30);
    expect(report.comparison.compared.history ?? 0, summary).toBeGreaterThan(30);
    expect(report.comparison.compared.counter ?? 0, summary).toBeGreaterThan(200);
    expect(report.comparison.differences, summary).toEqual([]);
    expect(report.chaos.deadLetters, summary).toBe(0);
  }, 300_000);
});
