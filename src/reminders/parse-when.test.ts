import { describe, expect, it } from 'vitest';
import { NovaError } from '../domain/nova-error.ts';
import { formatLocal, nextCronTime, parseWhen } from './parse-when.ts';

// Sunday 22 November 2026, 15:00 in Berlin (UTC+1 in winter).
const now = Date.parse('2026-11-22T14:00:00Z');
const berlin = { now, timeZone: 'Europe/Berlin' };
const iso = (ms: number): string => new Date(ms).toISOString();

describe('parseWhen', () => {
  it.each([
    ['in 2 hours', '2026-11-22T16:00:00.000Z'],
    ['in 30 minutes', '2026-11-22T14:30:00.000Z'],
    ['in 3 days', '2026-11-25T14:00:00.000Z'],
    ['tomorrow 9am', '2026-11-23T08:00:00.000Z'],
    ['Tomorrow at 14:30', '2026-11-23T13:30:00.000Z'],
    ['tomorrow', '2026-11-23T08:00:00.000Z'],
    ['tonight', '2026-11-22T19:00:00.000Z'],
    ['today 17:00', '2026-11-22T16:00:00.000Z'],
    ['next Monday', '2026-11-23T08:00:00.000Z'],
    ['friday 10:00', '2026-11-27T09:00:00.000Z'],
    ['sunday at 8pm', '2026-11-29T19:00:00.000Z'],
    ['at 17:30', '2026-11-22T16:30:00.000Z'],
    ['9am', '2026-11-23T08:00:00.000Z'],
    ['noon', '2026-11-23T11:00:00.000Z'],
    ['2026-12-01', '2026-12-01T08:00:00.000Z'],
    ['2026-12-01 09:00', '2026-12-01T08:00:00.000Z'],
    ['2026-12-01T09:00:00Z', '2026-12-01T09:00:00.000Z'],
  ])('reads "%s"', (text, expected) => {
    expect(iso(parseWhen(text, berlin))).toBe(expected);
  });

  it('follows daylight saving time: 9am in July Berlin is 07:00 UTC', () => {
    expect(iso(parseWhen('2027-07-01 09:00', berlin))).toBe('2027-07-01T07:00:00.000Z');
  });

  it.each(['', 'whenever', 'tomorrow at 25:00', 'today 9am', '2026-02-30', 'in many hours', 'next blursday'])(
    'refuses "%s" naming the accepted forms',
    (text) => {
      let caught: unknown;
      try {
        parseWhen(text, berlin);
      } catch (error) {
        caught = error;
      }
      expect(NovaError.is(caught, 'BAD_REQUEST')).toBe(true);
      expect((caught as Error).message).toContain('Accepted forms: in 30 minutes');
    },
  );

  it('finds the next cron time in the time zone and explains a bad expression', () => {
    expect(iso(nextCronTime('0 9 * * 1-5', { after: now, timeZone: 'Europe/Berlin' }))).toBe(
      '2026-11-23T08:00:00.000Z',
    );
    expect(() => nextCronTime('every day', { after: now, timeZone: 'UTC' })).toThrow(
      /five fields: minute hour/,
    );
  });

  it('shows a time in local terms', () => {
    expect(formatLocal(Date.parse('2026-11-23T08:00:00Z'), 'Europe/Berlin')).toBe(
      '2026-11-23 09:00 (Europe/Berlin)',
    );
  });
});
