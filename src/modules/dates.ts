/**
 * Calendar dates as `YYYY-MM-DD` strings. Kept as strings, not Date objects: a vacation
 * starts on a day in the user's sense, and a Date would drag a time zone into it.
 */

export type IsoDate = string & { readonly __brand: 'IsoDate' };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The date if `text` is exactly `YYYY-MM-DD` and names a real day (2024-02-29 yes, 2023-02-29 no). */
export function parseIsoDate(text: string): IsoDate | null {
  const match = ISO_DATE.exec(text);
  if (match === null) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return text as IsoDate;
}

/** Same-format dates compare correctly as strings. */
export function isBefore(a: IsoDate, b: IsoDate): boolean {
  return a < b;
}
