/**
 * etcd: a static etcd cluster over TLS on every host of the etcd group.
 *
 * - etcd from the distro packages (default) or a release tarball (etcd_install: 'release', through the
 *   `artifact` resource: nothing is downloaded unless you choose it and give its sha256);
 * - the member's certificates from the cluster PKI (pkiFiles, roles ['etcd']): etcd/ca.crt,
 *   etcd/server.{crt,key}, etcd/peer.{crt,key}, etcd/healthcheck-client.{crt,key} (for the gate) under
 *   <k8s_config_dir>/pki (roles/cluster/config-dir.ts);
 * - /etc/etcd/etcd.env with the member's flags (name, data dir, listen/advertise URLs on the host's
 *   address, the initial cluster of all members, client and peer TLS with client-certificate auth), and
 *   /etc/systemd/system/etcd.service (Type=notify) reading it; the packaged unit and config are not used;
 * - the service enabled and started. On the first run every member starts in the same pass (hosts run
 *   in parallel), so the quorum forms while each `systemctl start` waits for it;
 * - any change to what etcd reads at start notifies `restart etcd`; the role is `rolling`, so members
 *   restart one at a time, each passing the health gate before the next (applying stays parallel);
 * - gate: `etcdctl endpoint health --cluster` over TLS reports every member of the group healthy.
 *
 * Vars: see vars.ts (all prefixed `etcd_`). Cluster-wide: cluster_name (token), cluster_groups.etcd.
 */
import { defineRole, directory, service, template, unit, type AnyResource, type Cluster, type Host } from '../../lib/index.js';
import { pathsFor } from '../cluster/config-dir.js';
import { pkiFiles } from '../pki/push.js';
import { etcdctlEnv, etcdEnv } from './env.js';
import { healthGate } from './gate.js';
import { install } from './install.js';
import { clusterToken, members, self } from './members.js';
import { handlers, RESTART } from './restart.js';
import { envFile, etcdUnit } from './unit.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { defaults, schema, type EtcdVars } from './vars.js';

export { defaults, schema, type EtcdVars } from './vars.js';
export { RESTART } from './restart.js';

function resources(v: EtcdVars, host: Host, cluster: Cluster): AnyResource[] {
  pathsFor(v, cluster);
  const all = members(v, cluster);
  const me = self(all, host);
  const config = v.etcd_config_dir.replace(/\/$/, '');
  return [
    ...install(v),
    // etcd reads all but the health-check client's pair, which only etcdctl presents.
    ...pkiFiles(cluster, host, { roles: ['etcd'], notify: (path) => (path.includes('/healthcheck-client.') ? undefined : RESTART) }),
    directory({ path: config, mode: 0o755 }),
    directory({ path: v.etcd_data_dir, mode: 0o700 }),
    template({ path: envFile(v), render: () => etcdEnv(v, me, all, clusterToken(v, cluster)), mode: 0o644, notify: RESTART }),
    template({ path: `${config}/etcdctl.env`, render: () => etcdctlEnv(v, all), mode: 0o644 }),
    unit({ name: 'etcd.service', content: etcdUnit(v), notify: RESTART }),
    service({ name: 'etcd', enabled: true, state: 'started' }),
  ];
}

export default defineRole<EtcdVars>({
  name: 'etcd',
  defaults,
  sharedVars: CLUSTER_VARS,
  schema,
  resources,
  handlers,
  verify: [healthGate],
  // Restarts take turns: one member restarts and the cluster is healthy again before the next (quorum kept).
  rolling: true,
});
