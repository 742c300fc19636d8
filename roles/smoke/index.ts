/**
 * smoke: the cluster answers as a whole, checked from one control-plane host with admin.conf (play it with
 * `runOnce: true` after the addons). Read-only assertions inside the role's one query round trip: the API
 * answers /healthz and /version through the cluster endpoint (the VIP), and every node is registered and
 * Ready (unless smoke_nodes_ready is false: the lab, whose stand-in API serves no objects).
 */
import { assertCommand, defineRole, type AnyResource, type Cluster } from '../../lib/index.js';
import { topology } from '../cluster/index.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { defaults, schema, type SmokeVars } from './vars.js';

function resources(v: SmokeVars, _host: unknown, cluster: Cluster): AnyResource[] {
  const t = topology(cluster);
  const k = `${v.smoke_kubectl} --kubeconfig=${v.smoke_kubeconfig || topology(cluster).paths.adminConf} --request-timeout=5s`;
  const nodes = t.hosts.nodes.length;
  return [
    // A single ask: it is a query, and may be read ahead at the run's start (the apiserver role's last gate waits for the endpoint).
    assertCommand({ name: `API /healthz through ${t.apiEndpoint}`, command: `${k} get --raw=/healthz 2>&1` }),
    assertCommand({
      name: 'API serves its version',
      command: `out=$(${k} version -o json 2>&1); echo "$out" | grep -q '"serverVersion"' || { echo "$out"; exit 1; }`,
    }),
    ...(v.smoke_nodes_ready
      ? [
          assertCommand({
            name: `${nodes} node(s) registered and Ready`,
            command: `ready=$(${k} get nodes --no-headers 2>&1 | awk '$2 == "Ready"' | wc -l); [ "$ready" -ge ${nodes} ] || { echo "$ready of ${nodes} Ready:"; ${k} get nodes 2>&1; exit 1; }`,
          }),
        ]
      : []),
  ];
}

export default defineRole<SmokeVars>({ name: 'smoke', tags: ['addons'], defaults, sharedVars: CLUSTER_VARS, schema, resources });
