/**
 * @module Translates a stored schedule's timing (croner cron pattern or "6 hours" rate) into an EventBridge Scheduler
 * expression. Scheduler crons have six fields (minutes hours day-of-month month day-of-week year), exactly one of
 * day-of-month/day-of-week is `?`, and days of the week count 1–7 from Sunday; rates are ≥ 1 minute, singular for 1.
 */
const ALIASES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const UNIT_SECONDS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400 };

export class UnsupportedScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedScheduleError';
  }
}

/** Croner day of week (0–7, 0 and 7 = Sunday) → Scheduler's (1–7 from Sunday). */
function awsDay(token: string): string {
  if (!/^\d+$/.test(token)) return token; // SUN…SAT mean the same in both dialects
  const v = Number(token);
  if (v > 7) throw new UnsupportedScheduleError(`day of week ${v} is out of range`);
  return String((v % 7) + 1);
}

/** Converts each list item of a day-of-week field: "1-5" → "2-6", "5#3" → "6#3", "5L" → "6L", steps stay. */
function dayOfWeek(field: string): string {
  return field
    .split(',')
    .flatMap((part) => {
      const [base, step] = part.split('/');
      const suffix = step === undefined ? '' : `/${step}`;
      if (base === '*') return [`*${suffix}`];
      const nth = /^(\w+)(#\d+|L)$/.exec(base);
      if (nth) return [`${awsDay(nth[1])}${nth[2]}${suffix}`];
      const range = /^(\w+)-(\w+)$/.exec(base);
      if (range) {
        // "a-7" ends on Sunday, which starts Scheduler's week: split it so the range does not wrap.
        if (range[2] === '7') return [`${awsDay(range[1])}-7${suffix}`, '1'];
        return [`${awsDay(range[1])}-${awsDay(range[2])}${suffix}`];
      }
      return [`${awsDay(base)}${suffix}`];
    })
    .join(',');
}

/** A croner pattern (5 fields, 6 with leading seconds = 0, or an @alias) as `cron(m h dom mon dow *)`. */
export function cronExpression(pattern: string): string {
  const text = ALIASES[pattern.trim().toLowerCase()] ?? pattern.trim();
  let fields = text.split(/\s+/);
  if (fields.length === 6) {
    if (fields[0] !== '0') throw new UnsupportedScheduleError('EventBridge Scheduler cannot fire at seconds other than 0');
    fields = fields.slice(1);
  }
  if (fields.length !== 5) throw new UnsupportedScheduleError(`a cron pattern needs 5 fields, got ${fields.length}`);
  let [minute, hour, dom, month, dow] = fields;
  const anyDom = dom === '*' || dom === '?';
  const anyDow = dow === '*' || dow === '?';
  if (anyDow) dow = '?';
  else if (anyDom) dom = '?';
  else throw new UnsupportedScheduleError('EventBridge Scheduler cannot restrict both day of month and day of week');
  if (dow !== '?') dow = dayOfWeek(dow.toUpperCase());
  return `cron(${minute} ${hour} ${dom} ${month.toUpperCase()} ${dow} *)`;
}

/** "6 hours" → `rate(6 hours)`; "120 seconds" → `rate(2 minutes)`; under a minute or not whole minutes → error. */
export function rateExpression(rate: string): string {
  const m = /^(\d+) (second|minute|hour|day)s?$/.exec(rate.trim());
  if (!m) throw new UnsupportedScheduleError(`not a rate: ${JSON.stringify(rate)}`);
  let value = Number(m[1]);
  let unit = m[2];
  if (unit === 'second') {
    const seconds = value * UNIT_SECONDS.second;
    if (seconds < 60 || seconds % 60 !== 0) throw new UnsupportedScheduleError('EventBridge Scheduler rates are whole minutes, at least 1 minute');
    value = seconds / 60;
    unit = 'minute';
  }
  if (value < 1) throw new UnsupportedScheduleError('a rate must be at least 1');
  return `rate(${value} ${unit}${value === 1 ? '' : 's'})`;
}

export function schedulerExpression(timing: { cron?: string; rate?: string }): string {
  if (timing.cron !== undefined) return cronExpression(timing.cron);
  if (timing.rate !== undefined) return rateExpression(timing.rate);
  throw new UnsupportedScheduleError('a schedule needs a cron pattern or a rate');
}
