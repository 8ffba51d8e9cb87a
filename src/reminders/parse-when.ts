import { CronExpressionParser } from 'cron-parser';
import { NovaError } from '../domain/nova-error.ts';

/**
 * When a reminder is due, from what a person types: "tomorrow 9am", "in 2 hours", "next Monday",
 * "friday 14:30", "at 17:30", "tonight", "2026-12-01 09:00", an ISO timestamp. Wall-clock times
 * are read in `timeZone` (an IANA name such as "Europe/Berlin"). Deterministic given `now`.
 */

export const acceptedForms = [
  'in 30 minutes / in 2 hours / in 3 days / in 1 week',
  'today 17:00, tomorrow 9am, tomorrow at 14:30, tonight',
  'monday, next friday 10:00, sunday at 8pm',
  'at 17:30, 9am, noon, midnight (today, or tomorrow if already past)',
  '2026-12-01, 2026-12-01 09:00, 2026-12-01T09:00:00Z (ISO)',
];

function invalid(text: string, why: string): NovaError {
  return new NovaError(
    'BAD_REQUEST',
    `cannot read "${text}" as a time (${why}). Accepted forms: ${acceptedForms.join('; ')}`,
    {
      details: { text, acceptedForms },
    },
  );
}

interface WallTime {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

/** The wall-clock date and time at `ms` in `timeZone`. */
function wallTimeAt(ms: number, timeZone: string): WallTime & { weekday: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    weekday: 'short',
  }).formatToParts(new Date(ms));
  const get = (type: string): string => parts.find((part) => part.type === type)?.value ?? '0';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')) % 24,
    minute: Number(get('minute')),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday')),
  };
}

/** The instant a wall-clock time in `timeZone` names (DST-aware to the minute). */
export function zonedTime(wall: WallTime, timeZone: string): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  let guess = asUtc;
  for (let pass = 0; pass < 2; pass += 1) {
    const seen = wallTimeAt(guess, timeZone);
    const seenAsUtc = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute);
    guess += asUtc - seenAsUtc;
  }
  return guess;
}

function addDays(wall: WallTime, days: number): WallTime {
  const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return { ...wall, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

const weekdays = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const units: Record<string, number> = {
  minute: 60_000,
  min: 60_000,
  hour: 3_600_000,
  h: 3_600_000,
  day: 86_400_000,
  d: 86_400_000,
  week: 7 * 86_400_000,
  w: 7 * 86_400_000,
};

/** "9am", "9:30 pm", "17:30", "noon", "midnight" → hour and minute; undefined when not a time. */
function parseClock(text: string): { hour: number; minute: number } | undefined {
  const trimmed = text.trim();
  if (trimmed === 'noon') return { hour: 12, minute: 0 };
  if (trimmed === 'midnight') return { hour: 0, minute: 0 };
  const match = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/.exec(trimmed);
  if (!match) return undefined;
  let hour = Number(match[1]);
  const minute = match[2] === undefined ? 0 : Number(match[2]);
  const meridiem = match[3];
  if (meridiem === undefined && match[2] === undefined) return undefined; // "9" alone is not a time
  if (minute > 59) return undefined;
  if (meridiem) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  } else if (hour > 23) return undefined;
  return { hour, minute };
}

/** Parses `text` into an instant (ms since the epoch) after `now`. */
export function parseWhen(text: string, options: { now: number; timeZone: string }): number {
  const { now, timeZone } = options;
  const input = text.trim().toLowerCase().replace(/\s+/g, ' ');
  if (input.length === 0) throw invalid(text, 'it is empty');

  // ISO-like dates first: they are unambiguous.
  const isoInstant = /^\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})$/.test(input);
  if (isoInstant) {
    const ms = Date.parse(text.trim());
    if (Number.isNaN(ms)) throw invalid(text, 'not a valid date');
    return ms;
  }
  const isoLocal = /^(\d{4})-(\d{2})-(\d{2})(?:[ t](\d{1,2}):(\d{2}))?$/.exec(input);
  if (isoLocal) {
    const [year, month, day] = [Number(isoLocal[1]), Number(isoLocal[2]), Number(isoLocal[3])];
    const check = new Date(Date.UTC(year, month - 1, day));
    if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) throw invalid(text, 'no such date');
    const hour = isoLocal[4] === undefined ? 9 : Number(isoLocal[4]);
    const minute = isoLocal[5] === undefined ? 0 : Number(isoLocal[5]);
    if (hour > 23 || minute > 59) throw invalid(text, 'no such time of day');
    return zonedTime({ year, month, day, hour, minute }, timeZone);
  }

  const relative = /^in (\d+(?:\.\d+)?) ?(minutes?|mins?|hours?|h|days?|d|weeks?|w)$/.exec(input);
  if (relative) {
    const unit = (relative[2] ?? '').replace(/s$/, '');
    return now + Math.round(Number(relative[1]) * (units[unit] ?? 0));
  }

  const today = wallTimeAt(now, timeZone);
  const at = (day: WallTime, clock: { hour: number; minute: number }): number =>
    zonedTime({ ...day, hour: clock.hour, minute: clock.minute }, timeZone);
  const clockPart = (
    rest: string,
    fallback: { hour: number; minute: number },
  ): { hour: number; minute: number } => {
    const cleaned = rest.replace(/^at /, '').trim();
    if (cleaned === '') return fallback;
    const clock = parseClock(cleaned);
    if (!clock) throw invalid(text, `"${cleaned}" is not a time of day`);
    return clock;
  };

  if (input === 'tonight') return at(today, { hour: 20, minute: 0 });
  const dayWord = /^(today|tomorrow)\b ?(.*)$/.exec(input);
  if (dayWord) {
    const day = dayWord[1] === 'tomorrow' ? addDays(today, 1) : today;
    const when = at(day, clockPart(dayWord[2] ?? '', { hour: 9, minute: 0 }));
    if (when <= now) throw invalid(text, 'that time has already passed');
    return when;
  }

  const weekday =
    /^(next )?(sunday|monday|tuesday|wednesday|thursday|friday|saturday|sun|mon|tue|wed|thu|fri|sat)\b ?(.*)$/.exec(
      input,
    );
  if (weekday) {
    const target = weekdays.findIndex((name) => name.startsWith(weekday[2] ?? ''));
    let ahead = (target - today.weekday + 7) % 7;
    if (ahead === 0) ahead = 7; // "monday" on a Monday means the next one
    return at(addDays(today, ahead), clockPart(weekday[3] ?? '', { hour: 9, minute: 0 }));
  }

  const clock = parseClock(input.replace(/^at /, ''));
  if (clock) {
    const sameDay = at(today, clock);
    return sameDay > now ? sameDay : at(addDays(today, 1), clock);
  }
  throw invalid(text, 'not a form Nova knows');
}

/** The next time a cron expression fires after `after`, in `timeZone`; a clear error for a bad one. */
export function nextCronTime(expression: string, options: { after: number; timeZone: string }): number {
  try {
    const parsed = CronExpressionParser.parse(expression, {
      currentDate: new Date(options.after),
      tz: options.timeZone,
    });
    return parsed.next().getTime();
  } catch (error) {
    throw new NovaError(
      'BAD_REQUEST',
      `"${expression}" is not a cron expression (${(error as Error).message}); write five fields: minute hour day-of-month month day-of-week, e.g. "0 9 * * 1-5" for 9:00 on weekdays`,
      { details: { expression } },
    );
  }
}

/** The local time zone of this machine (IANA name). */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** `2026-11-23 09:00 (Europe/Berlin)`. */
export function formatLocal(ms: number, timeZone: string): string {
  const wall = wallTimeAt(ms, timeZone);
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)} ${pad(wall.hour)}:${pad(wall.minute)} (${timeZone})`;
}
