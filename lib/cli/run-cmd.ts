/**
 * `tsplay run`: load the inventory and the playbook, compile the plays, then list them (--list-hosts, --list-tasks,
 * --list-tags) or apply them (run-apply.ts). Loaded when `run` runs.
 */
import { type CompiledPlay, compile } from '../runner/compile.js';
import { conflictNotes, groupAliasNotes, selector } from '../inventory/index.js';
import { shown } from '../inventory/load-module.js';
import { redact } from '../core/secret.js';
import { printable } from '../report/printable.js';
import { askPassword } from './ask-password.js';
import { inventoryFor } from './connection-flags.js';
import { fromVarsFile, readExtraVars } from './extra-vars.js';
import { listHosts, listTags, listTasks } from './list.js';
import { loadPlaybook } from './load-playbook.js';
import { cachedOtherRoles } from './other-roles.js';
import type { MainIO } from './main.js';
import type { RunFlags } from './program.js';
import { startAt } from './start-at.js';
import { beforeImport } from './user-code.js';

/** A start-up phase done: TSPLAY_TRACE_STARTUP shows them (startup-trace.js). */
const mark = (phase: string) => performance.mark(`tsplay:${phase}`);

export async function runCommand(playbookFile: string, f: RunFlags, io: MainIO): Promise<number> {
  // What applying needs (transport, runner, reporters) loads only for a run that applies, and before the user's
  // code: once the TypeScript hook exists, every further import is a round trip to the hook's thread.
  const apply = f.listHosts || f.listTasks || f.listTags ? undefined : await import('./run-apply.js');
  mark('run command loaded');
  beforeImport(f.inventory, io);
  const inv = await inventoryFor(f.inventory, f, io.askPassword ?? ((p) => askPassword(p)));
  mark('inventory loaded');
  io.beforeUserCode?.(); // a playbook is always a module
  const pb = await loadPlaybook(playbookFile);
  mark('playbook and roles loaded');
  const extra = readExtraVars(f.extraVar);
  const otherProjectRoles = await cachedOtherRoles(playbookFile, pb, inv.spec);
  mark("the project's other roles loaded");
  let plays: CompiledPlay[];
  try {
    plays = compile(pb, selector(inv), {
      tags: f.tags ?? [],
      skipTags: f.skipTags ?? [],
      extraVars: extra.vars,
      ...(f.limit ? { limit: f.limit } : {}),
      playbook: shown(playbookFile),
      otherRoles: otherProjectRoles,
    });
  } catch (e) {
    throw fromVarsFile(e, extra);
  }
  mark('plays compiled');
  if (f.startAt) plays = startAt(plays, f.startAt);
  if (f.verbose > 0) for (const note of conflictNotes(inv)) io.stderr.write(printable(redact(`${note}\n`)));
  const listings = [f.listHosts && listHosts(plays, groupAliasNotes(inv.spec)), f.listTasks && listTasks(plays), f.listTags && listTags(plays)].filter(
    (x) => typeof x === 'string',
  );
  if (listings.length) {
    io.stdout.write(printable(redact(`${listings.join('\n\n')}\n`)));
    return 0;
  }
  return (apply ?? (await import('./run-apply.js'))).applyPlays({ playbookFile, flags: f, io, inv, plays, vars: extra.vars });
}
