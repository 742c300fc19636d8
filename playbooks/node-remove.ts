/**
 * Remove a worker from a running cluster. Leave the host in the inventory until this has run (it must be
 * reached to be reset), then take it out; site.ts then changes nothing.
 *
 *   tsplay run playbooks/node-remove.ts -i inventory/prod.ts -e node_remove=worker-3 --check
 *   tsplay run playbooks/node-remove.ts -i inventory/prod.ts -e node_remove=worker-3
 *
 * 1. From the first control-plane host, through the API: cordon, drain, delete the Node object
 *    (roles/node-drain; an API that serves no objects, the lab's stand-in, is reported as skipped, with why).
 * 2. The host is reset (roles/reset: services stopped and disabled, units, config, certificates, state removed).
 * 3. The other hosts' /etc/hosts block and firewalld zones leave it out.
 * A host that is not a worker of the inventory, or is also a control-plane host, an etcd member or a load
 * balancer, is refused before any host is touched.
 */
import { definePlaybook } from '../lib/index.js';
import { nodeDrain } from '../roles/node-drain/index.js';
import { namesHosts, scoped } from '../roles/node-ops/scope.js';
import firewalld from '../roles/firewalld/index.js';
import prereqs from '../roles/prereqs/index.js';
import reset from '../roles/reset/index.js';

const OP = 'node-remove';
const others = { target: 'none', elsewhere: namesHosts } as const;

export default definePlaybook({
  name: OP,
  plays: [
    { name: 'cordon, drain and delete the Node through the API', hosts: 'masters', roles: [nodeDrain(OP)], anyErrorsFatal: true },
    { name: 'reset the leaving host', hosts: 'etcd:k8s:lb', roles: [scoped(reset, OP, { target: 'all', elsewhere: 'none' })], anyErrorsFatal: true },
    { name: 'the others forget it (host lists, firewall)', hosts: 'etcd:k8s:lb', roles: [scoped(prereqs, OP, others), scoped(firewalld, OP, others)] },
  ],
});
