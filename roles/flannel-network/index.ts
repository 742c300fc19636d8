/**
 * flannel-network: flannel's network config in etcd (<flannel_etcd_prefix>/config), which flanneld's etcd
 * subnet manager (flannel_subnet_manager 'etcd') reads at start: the same JSON the kube subnet manager
 * reads from net-conf.json. Put by the first etcd member (inventory order) with etcdctl over its loopback
 * endpoint and the health-check client certificate; nothing on the other members, and nothing at all with
 * the kube subnet manager. Run it on the etcd group after etcd and before flannel (site.ts does).
 * Vars: the etcd role's (to reach the member as it configured it) and flannel's (the network config).
 */
import { defineResource, defineRole, extendVars, q, type AnyResource, type Change, type Cluster, type Host, type VarsOf } from '../../lib/index.js';
import { topology } from '../cluster/index.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { etcdctlOnline, sq } from '../etcd/etcdctl.js';
import { vars as etcdVars } from '../etcd/vars.js';
import { netConf } from '../flannel/config.js';
import { vars as flannelVars } from '../flannel/vars.js';
import { clusterAddress } from '../cluster/cluster-address.js';

export const vars = extendVars(etcdVars, flannelVars.object.shape)();
export type FlannelNetworkVars = VarsOf<typeof vars>;

interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
}

/** The key and its wanted value (one line of JSON, as etcdctl prints it back). */
export function wanted(v: FlannelNetworkVars, cluster: Cluster): { key: string; value: string } {
  const t = topology(cluster);
  return { key: `${t.podNetwork.flannel_etcd_prefix}/config`, value: JSON.stringify(netConf(v, t.podCidr)) };
}

function networkConfig(v: FlannelNetworkVars, host: Host, cluster: Cluster): AnyResource {
  const { key, value } = wanted(v, cluster);
  const etcdctl = etcdctlOnline(v, clusterAddress(host));
  return defineResource<[CommandResult]>({
    id: `etcd-key:${key}`,
    reads: [],
    writes: [],
    queries: [q.command(`${etcdctl} --command-timeout=5s get ${sq(key)} --print-value-only 2>&1`)],
    check([r]): Change[] {
      if (r.exitCode !== 0) throw new Error(`etcdctl get ${key} failed (exit ${r.exitCode}): ${r.stdout.trim()}`);
      const now = r.stdout.trim();
      return now === value ? [] : [{ field: key, before: now || '(absent)', after: value }];
    },
    apply: () => [{ a: 'command', command: `${etcdctl} --command-timeout=10s put ${sq(key)} ${sq(value)}` }],
  });
}

export default defineRole<FlannelNetworkVars>({
  name: 'flannel-network',
  tags: ['flannel'],
  ...vars.role,
  sharedVars: CLUSTER_VARS,
  resources(v, host, cluster) {
    const t = topology(cluster);
    if (t.podNetwork.flannel_subnet_manager !== 'etcd' || t.hosts.etcd[0]?.name !== host.name) return [];
    return [networkConfig(v, host, cluster)];
  },
});
