/**
 * Add control-plane hosts to a running cluster. Put them in the inventory first (groups masters and k8s;
 * and etcd, for hosts that are etcd members too: two at a time, the group stays odd), then:
 *
 *   tsplay run playbooks/control-plane-add.ts -i inventory/prod.ts -e control_plane_add=master-4 --check
 *   tsplay run playbooks/control-plane-add.ts -i inventory/prod.ts -e control_plane_add=master-4,master-5
 *
 * In this order, so that the API behind the VIP keeps answering:
 * 0. hosts in the etcd group: the cluster asked, read-only, whether members may be added (every member
 *    healthy, no stranger), before any host is touched;
 * 1. host names and firewall: the new hosts whole, the others their /etc/hosts block and firewalld zones;
 * 1b. hosts in the etcd group: the etcd member add operation, one member at a time behind its membership
 *    gate, then the etcd role on every member, one restart at a time (roles/node-ops/etcd.ts);
 * 2. the new host's runtime and control plane (the apiserver certificate is re-issued with its SANs on the
 *    controller; the new host starts with it);
 * 3. haproxy (or nginx, lb_implementation) on the load balancers, one LB at a time behind its gate: the new backend;
 * 4. the other control-plane hosts get the re-issued certificate, restarting one at a time behind the
 *    /healthz gate (the apiserver role is rolling);
 * 5. the new host's kubelet, kube-proxy and flannel; then the smoke test.
 * Nothing to do for etcd when no host named is in the etcd group.
 */
import { definePlaybook } from '../lib/index.js';
import { addMembersPlays, membershipPreflight } from '../roles/node-ops/etcd.js';
import { namesHosts, scoped } from '../roles/node-ops/scope.js';
import apiserver from '../roles/apiserver/index.js';
import firewalld from '../roles/firewalld/index.js';
import flannel from '../roles/flannel/index.js';
import haproxy from '../roles/haproxy/index.js';
import nginxLb from '../roles/nginx-lb/index.js';
import kubeProxy from '../roles/kube-proxy/index.js';
import kubelet from '../roles/kubelet/index.js';
import prereqs from '../roles/prereqs/index.js';
import runtime from '../roles/runtime/index.js';
import smoke from '../roles/smoke/index.js';

const OP = 'control-plane-add';
const here = { target: 'all', elsewhere: 'none' } as const;
const there = { target: 'none', elsewhere: 'all' } as const;

export default definePlaybook({
  name: OP,
  plays: [
    membershipPreflight(OP),
    {
      name: 'host names and firewall (the new host whole, the others their host lists)',
      hosts: 'etcd:k8s:lb',
      roles: [scoped(prereqs, OP, { target: 'all', elsewhere: namesHosts }), scoped(firewalld, OP, { target: 'all', elsewhere: namesHosts })],
    },
    ...addMembersPlays(OP),
    { name: 'the new control-plane host', hosts: 'k8s', roles: [scoped(runtime, OP, here), scoped(apiserver, OP, here)], anyErrorsFatal: true },
    // haproxy or nginx-lb, whichever lb_implementation names (the other builds nothing).
    { name: 'LB backends, one LB at a time', hosts: 'lb', serial: 1, roles: [scoped(haproxy, OP, there), scoped(nginxLb, OP, there)], anyErrorsFatal: true },
    { name: 'the re-issued apiserver certificate on the others (rolling)', hosts: 'masters', roles: [scoped(apiserver, OP, there)], anyErrorsFatal: true },
    {
      name: 'the new host as a node',
      hosts: 'k8s',
      roles: [scoped(kubelet, OP, here), scoped(kubeProxy, OP, here), scoped(flannel, OP, here)],
      anyErrorsFatal: true,
    },
    { name: 'smoke test', hosts: 'masters', runOnce: true, roles: [scoped(smoke, OP, there)] },
  ],
});
