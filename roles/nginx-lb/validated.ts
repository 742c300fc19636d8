/**
 * nginx.conf put in place only once `nginx -t` passed on it: the new content is written beside it
 * (STAGED), tested with `nginx -t -q -c STAGED`, and only then written over the real file (atomically)
 * and the staged copy removed. A file nginx refuses fails the host with nginx's own message and leaves
 * the working config (and the running nginx) as they were. Check, diff and the id are the template's.
 */
import { template, type Action, type AnyResource, type Common } from '../../lib/index.js';

export interface ValidatedOptions extends Pick<Common, 'notify'> {
  readonly path: string;
  readonly render: () => string;
  readonly mode: number;
  /** The command that tests a file, given its path. */
  readonly test: (path: string) => string;
}

export const stagedPath = (path: string): string => `${path}.tsplay-new`;

export function validatedConfig(o: ValidatedOptions): AnyResource {
  const t = template({ path: o.path, render: o.render, mode: o.mode, ...(o.notify ? { notify: o.notify } : {}) });
  const staged = stagedPath(o.path);
  const testFirst = (a: Action): Action[] =>
    a.a === 'write' && a.path === o.path
      ? [{ ...a, path: staged }, { a: 'command', command: `${o.test(staged)} || { rc=$?; rm -f ${staged}; exit $rc; }` }, a, { a: 'remove', path: staged }]
      : [a];
  return { ...t, writes: [...(t.writes ?? []), `path:${staged}`], apply: (answers, facts, changes) => t.apply(answers, facts, changes).flatMap(testFirst) };
}
