import { describe, expect, it } from 'vitest';
import { listSpan } from '../../shared/app/campaigns.js';
import { NotFoundError } from '../../shared/app/errors.js';
import type { CampaignReader } from '../../shared/app/ports.js';
import { healthWindow } from '../../shared/app/suppressions.js';
import { addHours, EARLIEST_HOUR, hoursBetween, isHour, LATEST_HOUR, parseInstant, spanEndingAt } from '../../shared/domain/index.js';
import { noCampaignReads } from '../support/classify-fakes.js';

const NOW = new Date('2026-12-10T15:42:00Z');

describe('parseInstant', () => {
  it.each([
    ['2026-11-03', '2026-11-03T00:00:00.000Z'],
    ['2026-11-03T10', '2026-11-03T10:00:00.000Z'],
    ['2026-11-03T10:30', '2026-11-03T10:30:00.000Z'],
    ['2026-11-03T10:30Z', '2026-11-03T10:30:00.000Z'],
    ['2026-11-03T10:30:00+01:00', '2026-11-03T09:30:00.000Z'],
    ['2026-11-03 10:30', '2026-11-03T10:30:00.000Z'],
    ['72h', '2026-12-07T15:42:00.000Z'],
    ['30d', '2026-11-10T15:42:00.000Z'],
    ['2w', '2026-11-26T15:42:00.000Z'],
    [' 1D ', '2026-12-09T15:42:00.000Z'],
  ])('%s is %s (relative ones back from the runtime clock)', (text, iso) => {
    expect(parseInstant(text, NOW)?.toISOString()).toBe(iso);
  });

  it.each(['yesterday', '', '72', 'h', '2026-13-45', '2026/11/03', '-3h', '3 hours'])('%j is not an instant', (text) => {
    expect(parseInstant(text, NOW)).toBeNull();
  });
});

describe('hour arithmetic', () => {
  it('adds hours across days and years, counts spans with both ends, and spans a campaign’s last hours', () => {
    expect(addHours('2026-12-31T23', 1)).toBe('2027-01-01T00');
    expect(addHours('2026-03-01T00', -1)).toBe('2026-02-28T23');
    expect(hoursBetween('2026-11-20T10', '2026-11-20T10')).toBe(1);
    expect(hoursBetween('2026-11-17T11', '2026-11-20T10')).toBe(72);
    expect(hoursBetween('2026-11-20T11', '2026-11-20T10')).toBe(0);
    expect(spanEndingAt('2026-11-20T10', 72)).toEqual({ fromHour: '2026-11-17T11', toHour: '2026-11-20T10' });
    expect(isHour('2026-11-20T10')).toBe(true);
    expect(isHour('unknown')).toBe(false);
    expect(EARLIEST_HOUR < '2000-01-01T00' && LATEST_HOUR > '2999-12-31T23').toBe(true);
  });
});

describe('listSpan: which last activity a campaign list covers', () => {
  it('by default the last 72 h of the clock, open at the top (and marked to fall back to the most recent)', () => {
    expect(listSpan({}, NOW)).toEqual({ sinceHour: '2026-12-07T16', untilHour: LATEST_HOUR, fallback: true });
    expect(listSpan({ hours: 2 }, NOW)).toEqual({ sinceHour: '2026-12-10T14', untilHour: LATEST_HOUR, fallback: true });
  });
  it('--since/--until as asked, --all everything; neither falls back', () => {
    expect(listSpan({ since: new Date('2026-11-01T00:00Z'), until: new Date('2026-11-30T23:59Z') }, NOW)).toEqual({
      sinceHour: '2026-11-01T00',
      untilHour: '2026-11-30T23',
      fallback: false,
    });
    expect(listSpan({ until: new Date('2026-11-30T00:00Z') }, NOW)).toEqual({
      sinceHour: EARLIEST_HOUR,
      untilHour: '2026-11-30T00',
      fallback: false,
    });
    expect(listSpan({ all: true, hours: 5 }, NOW)).toEqual({ sinceHour: EARLIEST_HOUR, untilHour: LATEST_HOUR, fallback: false });
  });
});

describe('healthWindow: the hours a campaign report reads', () => {
  const campaigns: CampaignReader = {
    ...noCampaignReads,
    period: async (campaign) => (campaign === 'nov' ? { campaign, firstHour: '2026-11-01T08', lastHour: '2026-11-20T10' } : null),
  };
  const deps = { campaigns, clock: () => NOW };

  it('defaults to the campaign’s own last 72 h of activity, however long ago, not the clock’s', async () => {
    expect((await healthWindow('nov', {}, deps)).window).toEqual({
      fromHour: '2026-11-17T11',
      toHour: '2026-11-20T10',
      hours: 72,
      basis: 'last-activity',
    });
    expect((await healthWindow('nov', { hours: 24 }, deps)).window).toMatchObject({ fromHour: '2026-11-19T11', hours: 24 });
  });

  it('reads since/until within the campaign’s period (an open end stops at its first or last hour)', async () => {
    expect((await healthWindow('nov', { since: new Date('2026-11-19T00:00Z') }, deps)).window).toEqual({
      fromHour: '2026-11-19T00',
      toHour: '2026-11-20T10',
      hours: 35,
      basis: 'requested',
    });
    expect((await healthWindow('nov', { until: new Date('2026-11-01T09:30Z') }, deps)).window).toEqual({
      fromHour: '2026-11-01T08',
      toHour: '2026-11-01T09',
      hours: 2,
      basis: 'requested',
    });
  });

  it('is not found for a campaign never counted, or asked outside its period, saying when it ran', async () => {
    await expect(healthWindow('quiet', {}, deps)).rejects.toThrow(new NotFoundError('no activity recorded for campaign quiet'));
    await expect(healthWindow('nov', { since: new Date('2026-11-21T00:00Z') }, deps)).rejects.toThrow(
      'no activity for campaign nov since 2026-11-21T00:00 UTC (it ran from 2026-11-01T08:00 to 2026-11-20T10:59 UTC)',
    );
  });
});
