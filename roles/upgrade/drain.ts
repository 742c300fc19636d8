/**
 * upgrade-drain: before a worker batch's kubelets are replaced, each node is to be cordoned and drained
 * through the API (and uncordoned after). Which API answers is found out on the controller before any
 * host is touched (api-probe.ts), and said, never a silent ok:
 * - the lab's stand-in (serves /version, no objects): nothing to drain; a warning per node says it was skipped;
 * - upgrade_drain false: a warning per node says it is upgraded undrained, as asked;
 * - a real API: refused for now, with why: the cordon and drain have to run from a control-plane host
 *   between the batches, which needs the engine's batch hooks (delegate); until then the operator drains
 *   by hand and sets upgrade_drain false;
 * - no answer: refused (whether pods would be killed undrained cannot be told).
 * The role changes nothing on the host.
 */
import { ConfigError, defineResource, defineRole, WARNING_STEP, type AnyResource, type Cluster, type Host } from '../../lib/index.js';
import { topology } from '../cluster/index.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { pkiSpecFromCluster } from '../pki/index.js';
import { pkiDir } from '../pki/push.js';
import { probeApi, type ApiKind } from './api-probe.js';
import { defaults, schema, type UpgradeVars } from './vars.js';

/** What the run says about draining `node`, or the refusal: pure over what the API turned out to be. */
export function drainDecision(node: string, endpoint: string, kind: ApiKind): { readonly warn: string } | { readonly refuse: string } {
  switch (kind.api) {
    case 'standin':
      return {
        warn: `${node}: cordon and drain skipped: the API at ${endpoint} answers /version (${kind.version}) but serves no /api/v1 objects (a stand-in, not a real apiserver)`,
      };
    case 'real':
      return {
        refuse: `a real API answers at ${endpoint} (node ${node} ${kind.node === 'present' ? 'registered' : 'not registered'}): cordoning and draining each batch from a control-plane host is not supported by this playbook yet; drain ${node} by hand (kubectl drain ${node} --ignore-daemonsets) and run with upgrade_drain: false`,
      };
    default:
      return {
        refuse: `cannot tell whether a real API answers at ${endpoint} (${kind.why}): ${node} cannot be cordoned and drained; bring the API back, or run with upgrade_drain: false to upgrade it undrained`,
      };
  }
}

export function drainResource(v: UpgradeVars, host: Host, cluster: Cluster): AnyResource {
  const endpoint = topology(cluster).apiEndpoint;
  return defineResource<[]>({
    id: `upgrade-drain:${host.name}`,
    reads: [],
    writes: [],
    queries: [],
    check: () => [],
    apply: () => [],
    async prepare(ctx) {
      if (!v.upgrade_drain) {
        ctx.note(WARNING_STEP, `${host.name}: not cordoned or drained before its upgrade (upgrade_drain is false)`);
        return;
      }
      const d = drainDecision(host.name, endpoint, await probeApi(endpoint, host.name, pkiDir(cluster, pkiSpecFromCluster(cluster))));
      if ('refuse' in d) throw new ConfigError(d.refuse, `hosts.${host.name}`);
      ctx.note(WARNING_STEP, d.warn);
    },
  });
}

export default defineRole<UpgradeVars>({
  name: 'upgrade-drain',
  tags: ['upgrade'],
  defaults,
  sharedVars: CLUSTER_VARS,
  schema,
  resources: (v, host, cluster) => [drainResource(v, host, cluster)],
});
