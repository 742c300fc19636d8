/**
 * upgrade-plan: before anything changes, every host says which version each of its Kubernetes binaries
 * is, and the upgrade is refused on any host where going to the target is not supported (version.ts:
 * a skipped minor, a downgrade, a major change, a binary that is not there). With control_plane_mode
 * static-pods the control plane's versions are its manifests' image tags (static-pods.ts), its binaries
 * not asked. Read-only: one query, no change; play it on every host at once with anyErrorsFatal, so one
 * refusal stops the run untouched.
 */
import { defineResource, defineRole, q, type AnyResource, type Cluster, type Host } from '../../lib/index.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { componentsOf } from './components.js';
import { parseProbe, probeCommand } from './probe.js';
import { parsePodProbe, podProbeCommand, podVersion, staticPodsOn } from './static-pods.js';
import { targetOf } from './target.js';
import { refusals, showVersion } from './version.js';
import { defaults, schema, type UpgradeVars } from './vars.js';

/** kubectl is left out: the lab's stand-in kubectl is Debian's client, whose version is Debian's. */
export const planned = (host: Host, v: UpgradeVars, staticPods = false) => componentsOf(host, v, staticPods).filter((c) => c.unit);

export function planResource(v: UpgradeVars, host: Host, cluster: Cluster): AnyResource {
  const target = targetOf(v);
  const pods = staticPodsOn(host, cluster);
  const cs = planned(host, v, pods.length > 0);
  // The pods' answers after the binaries', split by a line no probe prints.
  const SPLIT = '--- static pods ---';
  return defineResource({
    id: `upgrade-plan:${showVersion(target)}`,
    reads: [],
    writes: [],
    queries: [q.command(pods.length ? [probeCommand(cs), `echo '${SPLIT}'`, podProbeCommand(pods)].filter(Boolean).join('; ') : probeCommand(cs))],
    check([r]) {
      if (r.exitCode !== 0) throw new Error(`reading the installed versions failed (exit ${r.exitCode}): ${r.stdout.trim().slice(-300)}`);
      const [bins = '', podText = ''] = r.stdout.split(`${SPLIT}\n`);
      const seen = parseProbe(bins);
      const podsSeen = parsePodProbe(podText);
      const installed = {
        ...Object.fromEntries(pods.map((p) => [p.component, podVersion(podsSeen.get(p.component))])),
        ...Object.fromEntries(cs.map((c) => [c.binary, seen.get(c.binary)?.version])),
      };
      const why = refusals(host.name, installed, target);
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
  resources: (v, host, cluster) => [planResource(v, host, cluster)],
});
