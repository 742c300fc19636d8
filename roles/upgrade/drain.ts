/**
 * upgrade-drain, the batches' beforeBatch hook (hooks.ts: delegated to the first control-plane host), in the
 * worker batches and in the control plane's one-host batches for a host that runs a kubelet (in the nodes
 * group): each node of the batch is cordoned and drained through the API before its kubelet is replaced;
 * upgrade-uncordon (uncordon.ts) uncordons it once the batch passed its gates. What happens is said, never
 * a silent ok. First, on the controller before any host is touched (api-probe.ts), which API answers:
 * - the lab's stand-in (serves /version, no objects): nothing to drain; a warning per node says it was skipped;
 * - upgrade_drain false: a warning per node says it is upgraded undrained, as asked (nothing asked, nothing run);
 * - a real API: the node is cordoned and drained from the control-plane host with its kubectl and
 *   admin.conf, as the node-drain probe there finds it (cordon.ts: already cordoned, up to date, marked);
 *   a node it does not know gets a warning (nothing to drain);
 * - no answer: refused (whether pods would be killed undrained cannot be told).
 */
import { ConfigError, defineResource, defineRole, q, WARNING_STEP, type AnyResource, type Cluster, type Host, type PrepareContext } from '../../lib/index.js';
import { topology } from '../cluster/index.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { type Probe, parseProbe, probeCommand } from '../node-drain/commands.js';
import { apiHostOf } from '../node-drain/index.js';
import { pkiSpecFromCluster } from '../pki/index.js';
import { pkiDir } from '../pki/push.js';
import { probeApi, type ApiKind } from './api-probe.js';
import { drainStep, type NodeCtx, type Step } from './cordon.js';
import { targetOf } from './target.js';
import { defaults, schema, type UpgradeVars } from './vars.js';

/** What the run says about draining `node` before any host is touched, or the refusal: pure over what the API turned out to be. */
export function drainDecision(
  node: string,
  endpoint: string,
  kind: ApiKind,
): { readonly warn: string } | { readonly refuse: string } | { readonly drain: true } {
  switch (kind.api) {
    case 'standin':
      return {
        warn: `${node}: cordon and drain skipped: the API at ${endpoint} answers /version (${kind.version}) but serves no /api/v1 objects (a stand-in, not a real apiserver)`,
      };
    case 'real':
      return kind.node === 'present'
        ? { drain: true }
        : { warn: `${node}: not registered in the API at ${endpoint}: nothing to cordon or drain before its upgrade` };
    default:
      return {
        refuse: `cannot tell whether a real API answers at ${endpoint} (${kind.why}): ${node} cannot be cordoned and drained; bring the API back, or run with upgrade_drain: false to upgrade it undrained`,
      };
  }
}

/** Where and how the batch hooks reach the API for `host`'s node: the first control-plane host, its kubectl and admin.conf. */
export function nodeCtx(v: UpgradeVars, host: Host, cluster: Cluster): NodeCtx {
  return {
    node: host.name,
    from: apiHostOf(cluster).name,
    target: targetOf(v),
    kubectl: { kubectl: `${v.k8s_bin_dir.replace(/\/$/, '')}/kubectl`, kubeconfig: topology(cluster).paths.adminConf, drainTimeout: v.upgrade_drain_timeout },
  };
}

/** A resource over the node-drain probe of `c.node`, run where the role is delegated to: `step` says what to report and run. */
export function nodeResource(id: string, c: NodeCtx, step: (p: Probe, c: NodeCtx) => Step, prepare?: AnyResource['prepare']): AnyResource {
  return defineResource({
    id,
    // The Node object: in check mode the uncordon after the batch reads what the drain before it would change.
    reads: [`kube-node:${c.node}`],
    writes: [`kube-node:${c.node}`],
    queries: [q.command(probeCommand(c.kubectl, c.node))],
    check: ([r]) => {
      const s = step(parseProbe(r.stdout), c);
      return s.change ? [s.change] : [];
    },
    apply: ([r]) => step(parseProbe(r.stdout), c).commands.map((command) => ({ a: 'command' as const, command })),
    ...(prepare ? { prepare } : {}),
  });
}

/** `ask`: how the controller asks the API (the tests answer for it). */
export function drainResource(v: UpgradeVars, host: Host, cluster: Cluster, ask: typeof probeApi = probeApi): AnyResource {
  const endpoint = topology(cluster).apiEndpoint;
  const id = `upgrade-drain:${host.name}`;
  if (!v.upgrade_drain)
    return defineResource<[]>({
      id,
      reads: [],
      writes: [],
      queries: [],
      check: () => [],
      apply: () => [],
      async prepare(ctx) {
        ctx.note(WARNING_STEP, `${host.name}: not cordoned or drained before its upgrade (upgrade_drain is false)`);
      },
    });
  const prepare = async (ctx: PrepareContext) => {
    const d = drainDecision(host.name, endpoint, await ask(endpoint, host.name, pkiDir(cluster, pkiSpecFromCluster(cluster))));
    if ('refuse' in d) throw new ConfigError(d.refuse, `hosts.${host.name}`);
    if ('warn' in d) ctx.note(WARNING_STEP, d.warn);
  };
  return nodeResource(id, nodeCtx(v, host, cluster), drainStep, prepare);
}

/** Whether `host` is a node (runs a kubelet): a control-plane host outside the nodes group has nothing to drain. */
export const runsKubelet = (host: Host, cluster: Cluster): boolean => topology(cluster).hosts.nodes.some((h) => h.name === host.name);

export default defineRole<UpgradeVars>({
  name: 'upgrade-drain',
  tags: ['upgrade'],
  defaults,
  sharedVars: CLUSTER_VARS,
  schema,
  resources: (v, host, cluster) => (runsKubelet(host, cluster) ? [drainResource(v, host, cluster)] : []),
});
