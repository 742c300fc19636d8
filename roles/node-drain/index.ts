/**
 * node-drain: the API side of removing a node (a worker or a control-plane host), run from one other
 * control-plane host (the first in inventory order that is not the one leaving), with kubectl and
 * admin.conf: cordon, drain, delete the Node object.
 *
 * It asks the API first (commands.ts): a real API with the Node present gets the three commands; one
 * without it (deleted already) nothing. The lab's stand-in apiserver serves /version but no objects: then
 * nothing is done and the change says so, as `skipped` with why, in check and apply mode alike (never a
 * silent ok). An API that does not answer fails the host: the removal would otherwise leave a Node object
 * behind without saying.
 *
 * Vars: node_kubectl (the release's kubectl, which the apiserver role installs), node_drain_timeout.
 */
import { z } from 'zod';
import { ConfigError, defineResource, defineRole, q, type AnyResource, type Change, type Cluster, type Host } from '../../lib/index.js';
import { topology } from '../cluster/index.js';
import { scoped } from '../node-ops/scope.js';
import { OPS, targetNames, type Op } from '../node-ops/target.js';
import { pkiFiles } from '../pki/push.js';
import { probeCommand, parseProbe, removeCommands, type KubectlOptions } from './commands.js';

export interface NodeDrainVars {
  readonly node_kubectl: string;
  readonly node_drain_timeout: string;
}

export const defaults: NodeDrainVars = { node_kubectl: '/usr/local/bin/kubectl', node_drain_timeout: '300s' };

export const schema = z.object({
  node_kubectl: z.string().regex(/^\/[\w./-]+$/, 'expected an absolute path'),
  node_drain_timeout: z.string().regex(/^\d+[smh]$/, 'expected a duration such as 300s or 5m'),
});

/** The control-plane host the API calls go out from: the first of the cluster (as it is after the removal). */
export function apiHostOf(cluster: Cluster): Host {
  const cp = topology(cluster).hosts.controlPlane;
  if (!cp[0]) throw new ConfigError('no control-plane host left to remove the node through', 'vars.cluster_groups.controlPlane');
  return cp[0];
}

/** The resource that takes `node` out of the API. */
export function removeFromApi(o: KubectlOptions, node: string): AnyResource {
  return defineResource({
    id: `kube-node:${node}`,
    reads: [`path:${o.kubeconfig}`],
    queries: [q.command(probeCommand(o, node))],
    check([probe]): Change[] {
      const p = parseProbe(probe.stdout);
      if (p.api === 'down' || p.api === 'error') {
        throw new Error(
          p.api === 'down'
            ? `the API does not answer (${p.why}): node ${node} cannot be cordoned, drained and deleted; bring the API back or remove the Node object by hand`
            : `asking the API for node ${node} failed: ${p.why}`,
        );
      }
      if (p.api === 'standin')
        return [
          {
            field: 'skipped',
            before: `node ${node}: cordon, drain, delete`,
            after: 'not done: the API answers /version but serves no /api/v1 objects (a stand-in, not a real apiserver)',
          },
        ];
      if (p.node === 'absent') return [];
      return [{ field: 'node', before: `${node} (${p.cordoned ? 'cordoned' : 'schedulable'})`, after: `${p.cordoned ? '' : 'cordoned, '}drained, deleted` }];
    },
    apply([probe]) {
      const p = parseProbe(probe.stdout);
      if (p.api !== 'real' || p.node !== 'present') return [];
      return removeCommands(o, node, p.cordoned).map((command) => ({ a: 'command' as const, command }));
    },
  });
}

/**
 * The role for operation `op` (a removal): it builds only on the API host, with the cluster as it is
 * without the leaving hosts; the op's var names the nodes and is checked before any host is touched.
 */
export function nodeDrain(op: Op) {
  const key = OPS[op].var;
  const role = defineRole<NodeDrainVars>({
    name: 'node-drain',
    tags: ['nodes'],
    defaults,
    schema,
    resources(v, host, cluster) {
      if (host.name !== apiHostOf(cluster).name) return [];
      const nodes = targetNames(op, String((v as unknown as Record<string, unknown>)[key]));
      const { adminConf } = topology(cluster).paths;
      const o = { kubectl: v.node_kubectl, kubeconfig: adminConf, drainTimeout: v.node_drain_timeout };
      return [...pkiFiles(cluster, host, { roles: ['control-plane'], only: (path) => path === adminConf }), ...nodes.map((node) => removeFromApi(o, node))];
    },
  });
  return scoped(role, op, { target: 'none', elsewhere: 'all' });
}
