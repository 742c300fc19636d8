/**
 * The pending-handler journal's keys: one per role and handler (`webapp.restart%20webapp`), a file name on
 * the host. Encoded so that no name can hold a `/`, start with a dot, or be read as another pair.
 */
const part = (s: string): string => encodeURIComponent(s).replace(/[.!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export const journalKey = (role: string, handler: string): string => `${part(role)}.${part(handler)}`;

/** The handlers of `role` among journal keys read from a host. */
export function pendingOf(keys: readonly string[], role: string, handlers: readonly string[]): string[] {
  const have = new Set(keys);
  return handlers.filter((h) => have.has(journalKey(role, h)));
}
