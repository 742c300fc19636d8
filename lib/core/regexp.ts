/** `s` as a literal inside a regular expression: valid for JavaScript's RegExp and for POSIX extended regexes (grep -E). Pure. */
export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
