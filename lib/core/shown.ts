/**
 * A value as an error shows it: JSON-quoted, long ones cut, and every control or format character escaped
 * (JSON leaves DEL, C1 controls and bidi overrides raw, and terminals act on them).
 */
export const shown = (s: string): string =>
  JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s).replace(/[\p{Cc}\p{Cf}]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
