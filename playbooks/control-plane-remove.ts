/**
 * Remove control-plane hosts (not all of them). Leave them in the inventory until this has run, then take
 * them out (of the etcd group too); site.ts then changes nothing.
 *
 *   tsplay run playbooks/control-plane-remove.ts -i inventory/prod.ts -e control_plane_remove=master-4 --check
 *   tsplay run playbooks/control-plane-remove.ts -i inventory/prod.ts -e control_plane_remove=master-4,master-5
 *
 * In this order, so that the API behind the VIP keeps answering:
 * 0. hosts in the etcd group: the cluster asked, read-only, whether they may leave (no step leaves fewer
 *    healthy members than a quorum; an even or empty group left is refused while the run compiles);
 * 1. the apiserver certificate is re-issued without its SANs; the others restart with it one at a time
 *    behind /healthz, while the leaving host still serves (restarting the last one after its backend went
 *    would take the API down: the lab saw a dropped request that way);
 * 2. haproxy (or nginx, lb_implementation) on the load balancers, one LB at a time behind its gate: its backend goes;
 * 3. from another control-plane host, through the API: cordon, drain, delete its Node object (skipped,
 *    with why, where the API serves no objects);
 * 3b. hosts in the etcd group: the etcd member remove operation (member remove from a staying member,
 *    then etcd stopped, disabled and wiped on the leaving hosts once the cluster no longer lists them),
 *    then the etcd role on the staying members without them (roles/node-ops/etcd.ts);
 * 4. the host is reset;
 * 5. the others' /etc/hosts block and firewalld zones leave it out.
 * Removing every control-plane host, or what the etcd member operation refuses, is refused before any
 * host is touched.
 */
import { definePlaybook } from '../lib/index.js';
import { nodeDrain } from '../roles/node-drain/index.js';
import { membershipPreflight, removeMembersPlays } from '../roles/node-ops/etcd.js';
import { namesHosts, scoped } from '../roles/node-ops/scope.js';
import apiserver from '../roles/apiserver/index.js';
import firewalld from '../roles/firewalld/index.js';
import haproxy from '../roles/haproxy/index.js';
import nginxLb from '../roles/nginx-lb/index.js';
import prereqs from '../roles/prereqs/index.js';
import reset from '../roles/reset/index.js';

const OP = 'control-plane-remove';
const there = { target: 'none', elsewhere: 'all' } as const;
const others = { target: 'none', elsewhere: namesHosts } as const;

export default definePlaybook({
  name: OP,
  plays: [
    membershipPreflight(OP),
    { name: 'the apiserver certificate without it on the others (rolling)', hosts: 'masters', roles: [scoped(apiserver, OP, there)], anyErrorsFatal: true },
    // haproxy or nginx-lb, whichever lb_implementation names (the other builds nothing).
    { name: 'LB backends, one LB at a time', hosts: 'lb', serial: 1, roles: [scoped(haproxy, OP, there), scoped(nginxLb, OP, there)], anyErrorsFatal: true },
    { name: 'cordon, drain and delete the Node through the API', hosts: 'masters', roles: [nodeDrain(OP)], anyErrorsFatal: true },
    ...removeMembersPlays(OP),
    { name: 'reset the leaving host', hosts: 'etcd:k8s:lb', roles: [scoped(reset, OP, { target: 'all', elsewhere: 'none' })], anyErrorsFatal: true },
    { name: 'the others forget it (host lists, firewall)', hosts: 'etcd:k8s:lb', roles: [scoped(prereqs, OP, others), scoped(firewalld, OP, others)] },
  ],
});
