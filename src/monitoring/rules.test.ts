import { describe, expect, it } from 'vitest';
import {
  brokenAgreementsSpike,
  checkThresholds,
  emailBounceRate,
  slaBreachRate,
  DEFAULT_ALERT_THRESHOLDS as T,
  weekStart,
} from './rules.ts';

describe('a spike in broken agreements: this week above mean + k·sd of the 8 before, and at least the minimum', () => {
  it.each([
    // mean 0.375, sd 0.4841 -> 0.375 + 2 x 0.4841 = 1.34
    [4, [0, 0, 1, 0, 1, 0, 0, 1], true, 1.34],
    // above the threshold but below the minimum count of 3
    [2, [0, 0, 0, 0, 0, 0, 0, 0], false, 0],
    // a steady week: mean 5, sd 0
    [5, [5, 5, 5, 5, 5, 5, 5, 5], false, 5],
    [6, [5, 5, 5, 5, 5, 5, 5, 5], true, 5],
    // a noisy history raises the bar: mean 4, sd 4
    [10, [0, 8, 0, 8, 0, 8, 0, 8], false, 12],
  ])('%i after %j: %s (threshold %d)', (week, trailing, raise, threshold) => {
    expect(brokenAgreementsSpike(week, trailing, T)).toEqual({ raise, value: week, threshold });
  });
});

describe('bounce and SLA breach rates: above the share, once there is enough to judge', () => {
  it.each([
    [20, 2, true, 0.1],
    [20, 1, false, 0.05], // exactly the threshold is not above it
    [19, 19, false, 1], // fewer than 20 sent
    [0, 0, false, 0],
  ])('%i sent, %i bounced: %s', (sent, bounced, raise, value) => {
    expect(emailBounceRate(sent, bounced, T)).toEqual({ raise, value, threshold: 0.05 });
  });
  it.each([
    [5, 2, true, 0.4],
    [4, 4, false, 1],
    [10, 2, false, 0.2],
  ])('%i judged, %i breached: %s', (judged, breached, raise, value) => {
    expect(slaBreachRate(judged, breached, T)).toEqual({ raise, value, threshold: 0.2 });
  });
});

describe('weeks and thresholds', () => {
  it.each([
    ['2026-03-09', '2026-03-09'],
    ['2026-03-12', '2026-03-09'],
    ['2026-03-15', '2026-03-09'],
    ['2026-03-16', '2026-03-16'],
    ['2026-01-01', '2025-12-29'],
  ])('the week of %s starts on %s', (date, monday) => {
    expect(weekStart(date)).toBe(monday);
  });
  it('checks every threshold against its limits, keeping the rest', () => {
    expect(checkThresholds({ bounceRate: 0.1 })).toEqual({ ok: true, thresholds: { ...T, bounceRate: 0.1 } });
    expect(checkThresholds({ bounceRate: 2, slaMinJudged: 1.5, other: 1 })).toEqual({
      ok: false,
      problems: [
        'bounceRate must be a number between 0 and 1',
        'slaMinJudged must be a whole number',
        'other is not a threshold',
      ],
    });
  });
});
