/**
 * upgrade-plan: before anything changes, every host says which version each of its Kubernetes binaries
 * is, and the upgrade is refused on any host where going to the target is not supported (version.ts:
 * a skipped minor, a downgrade, a major change, a binary that is not there). Read-only: one query, no
 * change; play it on every host at once with anyErrorsFatal, so one refusal stops the run untouched.
 */
import { defineResource, defineRole, q, type AnyResource, type Host } from '../../lib/index.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { componentsOf } from './components.js';
import { parseProbe, probeCommand } from './probe.js';
import { targetOf } from './target.js';
import { refusals, showVersion } from './version.js';
import { defaults, schema, type UpgradeVars } from './vars.js';

/** kubectl is left out: the lab's stand-in kubectl is Debian's client, whose version is Debian's. */
export const planned = (host: Host, v: UpgradeVars) => componentsOf(host, v).filter((c) => c.unit);

export function planResource(v: UpgradeVars, host: Host): AnyResource {
  const target = targetOf(v);
  const cs = planned(host, v);
  return defineResource({
    id: `upgrade-plan:${showVersion(target)}`,
    reads: [],
    writes: [],
    queries: [q.command(probeCommand(cs))],
    check([r]) {
      if (r.exitCode !== 0) throw new Error(`reading the installed versions failed (exit ${r.exitCode}): ${r.stdout.trim().slice(-300)}`);
      const seen = parseProbe(r.stdout);
      const why = refusals(host.name, Object.fromEntries(cs.map((c) => [c.binary, seen.get(c.binary)?.version])), target);
      if (why.length) throw new Error(`upgrade to ${showVersion(target)} refused: ${why.join('; ')}`);
      return [];
    },
    apply: () => [],
  });
}

export default defineRole<UpgradeVars>({
  name: 'upgrade-plan',
  tags: ['upgrade'],
  defaults,
  sharedVars: CLUSTER_VARS,
  schema,
  resources: (v, host) => [planResource(v, host)],
});
