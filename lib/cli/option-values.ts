/**
 * Parsers for option values. They throw commander's InvalidArgumentError, which commander reports as a
 * usage error naming the option (exit 1), never as an internal error with a stack. Pure.
 */
import { InvalidArgumentError } from 'commander';

/** A whole number from `min` (to `max`), written in plain digits: "0x10", "1e3", "2.0" and "" are refused. */
export const wholeNumber =
  (name: string, min: number, max = Infinity) =>
  (v: string): number => {
    const n = /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`${name} must be a whole number ${range}, got "${v}"`);
    }
    return n;
  };

/** A comma-separated, repeatable list; a value that names nothing ("", ",") is refused, not read as "no filter". */
export const nameList =
  (name: string) =>
  (v: string, prev: string[] = []): string[] => {
    const names = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (names.length === 0) throw new InvalidArgumentError(`${name} needs at least one name, got "${v}"`);
    return [...prev, ...names];
  };

/** A value that must not be empty: `--limit "$HOSTS"` with an unset variable must not mean every host. */
export const nonEmpty =
  (name: string, what: string) =>
  (v: string): string => {
    if (v.trim() === '') throw new InvalidArgumentError(`${name} needs ${what}, got an empty value`);
    return v;
  };
