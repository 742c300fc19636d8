/** --list-hosts, --list-tasks, --list-tags: what a run would touch, straight from the compiled plays. Pure. */
import { playRoles } from '../dsl/playbook.js';
import type { CompiledPlay } from '../runner/compile.js';

/** `notes` come first: how the inventory's groups map onto the playbook's (groupAliasNotes, Kubespray's layout). */
export function listHosts(plays: readonly CompiledPlay[], notes: readonly string[] = []): string {
  return [
    ...(notes.length ? [notes.join('\n')] : []),
    ...plays.map((p) => `play "${p.play.name}" (${p.hosts.length} hosts)\n${p.hosts.map((h) => `  ${h.name}  ${h.address}`).join('\n')}`),
  ].join('\n');
}

export function listTasks(plays: readonly CompiledPlay[]): string {
  const out: string[] = [];
  for (const p of plays) {
    out.push(`play "${p.play.name}"`);
    for (const r of p.roles) {
      const ids = new Map<string, number>();
      for (const hr of r.perHost.values()) for (const res of hr.resources) ids.set(res.id, (ids.get(res.id) ?? 0) + 1);
      out.push(`  role ${r.name} (${r.perHost.size} hosts)`);
      for (const [id, n] of ids) out.push(`    ${id}${n < r.perHost.size ? `  (${n} hosts)` : ''}`);
    }
  }
  return out.join('\n');
}

/** Every tag that selects something: of plays, of role uses and roles (role-level tags), of resources. */
export function listTags(plays: readonly CompiledPlay[]): string {
  const tags = new Set<string>();
  for (const p of plays) {
    for (const t of p.play.tags ?? []) tags.add(t);
    for (const u of playRoles(p.play)) for (const t of [...u.tags, ...u.role.tags]) tags.add(t);
    for (const r of p.roles) {
      tags.add(r.name);
      for (const hr of r.perHost.values()) for (const res of hr.resources) for (const t of res.tags ?? []) tags.add(t);
    }
  }
  return [...tags].sort().join('\n');
}
