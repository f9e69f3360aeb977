import { GovcError } from '@govc/core';

/** A person with a date, as a commit's `author` and `committer` lines record them. */
export interface Signature {
  name: string;
  email: string;
  /** Unix seconds. */
  time: number;
  /** Offset from UTC as git writes it: a sign and four digits, like `+0200` or `-0530`. */
  tzOffset: string;
}

const tzPattern = /^[+-]\d{4}$/;

// git's UTC offsets top out at +14:00 (Kiribati); anything beyond is a mistake, not a zone.
const maxTzHours = 14;

/**
 * Checks a timezone offset supplied by a caller (`field` names it in messages) and returns it. Beyond the `+hhmm` shape, git
 * stores the offset as minutes and re-prints it, so `+0260` would become `+0300` and `-0000`
 * `+0000`; those are refused rather than hashed differently from `git commit-tree`.
 * Throws `invalid_argument`.
 */
export function checkTzOffset(tzOffset: string, field = 'tzOffset'): string {
  const bad = (reason: string): never => {
    throw new GovcError('invalid_argument', `${field} ${JSON.stringify(tzOffset.slice(0, 80))} ${reason}`);
  };
  if (!tzPattern.test(tzOffset)) bad('must look like +0200 or -0530');
  const hours = Number(tzOffset.slice(1, 3));
  const minutes = Number(tzOffset.slice(3, 5));
  if (hours > maxTzHours) bad(`is more than ${maxTzHours} hours from UTC`);
  if (minutes >= 60) bad('has 60 or more minutes');
  if (tzOffset === '-0000') bad('must be written +0000');
  return tzOffset;
}

// What makes an ident line unparseable: git splits it at '<' and '>' and ends it at '\n'.
const identDelimiters = /[<>\n\0]/;

/**
 * Formats `Name <email> time tz` as a commit header writes it. Throws `invalid_argument` when
 * the line could not be read back as written: a `<`, `>`, newline or NUL in the name or email,
 * a time that is not a non-negative integer, or an offset not shaped like `+0200`.
 */
export function formatSignature(signature: Signature): string {
  const { name, email, time, tzOffset } = signature;
  if (identDelimiters.test(name) || identDelimiters.test(email)) {
    throw new GovcError('invalid_argument', 'a signature name or email cannot contain "<", ">", a newline or NUL');
  }
  if (!Number.isSafeInteger(time) || time < 0) {
    throw new GovcError('invalid_argument', `signature time must be a non-negative integer, got ${String(time)}`);
  }
  if (!tzPattern.test(tzOffset)) {
    throw new GovcError('invalid_argument', `tzOffset ${JSON.stringify(tzOffset.slice(0, 80))} must look like +0200`);
  }
  return `${name} <${email}> ${time} ${tzOffset}`;
}

// Stored lines are read leniently on the offset (old git wrote odd ones) but must have a date.
const identTail = /^> (\d+) ([+-]\d{4})$/;

/**
 * Parses a stored `Name <email> time tz` line (without the `author `/`committer ` key).
 * Throws `data_loss`: a line that does not parse means the stored object is damaged.
 */
export function parseSignature(line: string): Signature {
  const open = line.indexOf(' <');
  const close = line.indexOf('>', open + 2);
  const tail = open < 0 || close < 0 ? null : identTail.exec(line.slice(close));
  const time = tail === null ? NaN : Number(tail[1]);
  if (tail === null || !Number.isSafeInteger(time)) {
    throw new GovcError('data_loss', `malformed signature line ${JSON.stringify(line.slice(0, 80))}`);
  }
  return { name: line.slice(0, open), email: line.slice(open + 2, close), time, tzOffset: tail[2]! };
}
