/**
 * Add a worker to a running cluster. Put the host in the inventory first (groups workers and k8s), then:
 *
 *   tsplay run playbooks/node-add.ts -i inventory/prod.ts -e node_add=worker-3 --check     what changes where
 *   tsplay run playbooks/node-add.ts -i inventory/prod.ts -e node_add=worker-3
 *
 * The new host gets everything a worker gets in site.ts (its kubelet certificate is issued on the
 * controller in the same run). Elsewhere only what names the hosts changes: the /etc/hosts block and the
 * firewalld zones (firewalld reloads only where a zone changed); the recap lists each host's changes.
 * A host that is not in the inventory's workers, or is also a control-plane host, an etcd member or a load
 * balancer, is refused before any host is touched (roles/node-ops/target.ts).
 */
import { definePlaybook } from '../lib/index.js';
import { namesHosts, scoped } from '../roles/node-ops/scope.js';
import firewalld from '../roles/firewalld/index.js';
import flannel from '../roles/flannel/index.js';
import kubeProxy from '../roles/kube-proxy/index.js';
import kubelet from '../roles/kubelet/index.js';
import prereqs from '../roles/prereqs/index.js';
import runtime from '../roles/runtime/index.js';
import smoke from '../roles/smoke/index.js';

const OP = 'node-add';
const here = { target: 'all', elsewhere: 'none' } as const;

export default definePlaybook({
  name: OP,
  plays: [
    {
      name: 'host names and firewall (the new host whole, the others their host lists)',
      hosts: 'etcd:k8s:lb',
      roles: [scoped(prereqs, OP, { target: 'all', elsewhere: namesHosts }), scoped(firewalld, OP, { target: 'all', elsewhere: namesHosts })],
    },
    {
      name: 'the new node',
      hosts: 'k8s',
      roles: [scoped(runtime, OP, here), scoped(kubelet, OP, here), scoped(kubeProxy, OP, here), scoped(flannel, OP, here)],
      anyErrorsFatal: true,
    },
    { name: 'smoke test', hosts: 'masters', runOnce: true, roles: [scoped(smoke, OP, { target: 'none', elsewhere: 'all' })] },
  ],
});
