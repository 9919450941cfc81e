// @ts-check
// Formatting of numbers, days and durations for the dashboard. Days are UTC calendar days.

export const DAY_MS = 24 * 60 * 60 * 1000;

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });
const shortDay = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const longDay = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** @param {number} n */
export const formatCount = (n) => integer.format(n);

/** @param {number} ratio 0..1 */
export const formatPercent = (ratio) => percent.format(ratio);

/** @param {string} day `YYYY-MM-DD` */
export const formatShortDay = (day) => shortDay.format(dayToDate(day));

/** @param {string} day `YYYY-MM-DD` */
export const formatLongDay = (day) => longDay.format(dayToDate(day));

/** @param {string | Date} instant */
export const formatDateTime = (instant) => dateTime.format(new Date(instant));

/** @param {Date} instant */
export const formatClock = (instant) => clock.format(instant);

/**
 * A duration as its two largest units: "45 s", "12 min", "3 h 20 min", "4 d 6 h".
 * @param {number} seconds
 */
export function formatDuration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** @param {string} day `YYYY-MM-DD` */
export function dayToDate(day) {
  return new Date(`${day}T00:00:00Z`);
}

/** @param {Date} date */
export function dateToDay(date) {
  return date.toISOString().slice(0, 10);
}

/**
 * Every UTC day of [from, to): the x axis of the daily charts.
 * @param {string} from ISO instant
 * @param {string} to ISO instant (exclusive)
 * @returns {string[]}
 */
export function daysOf(from, to) {
  const days = [];
  const end = Date.parse(to);
  for (let t = Math.floor(Date.parse(from) / DAY_MS) * DAY_MS; t < end; t += DAY_MS) {
    days.push(dateToDay(new Date(t)));
  }
  return days;
}
