/**
 * The control plane on every control-plane host: kube-apiserver, kube-controller-manager and
 * kube-scheduler (roles/apiserver). Installs run in parallel; restarts go one host at a time (the role is
 * rolling), so at most one apiserver is down at once.
 * Needs etcd up and the PKI (made on the controller by the role itself).
 *
 *   tsplay run playbooks/control-plane.ts -i inventory/lab-cluster.ts --check
 *   tsplay run playbooks/control-plane.ts -i inventory/prod.ts --tags kube-scheduler
 */
import { definePlaybook } from '../lib/index.js';
import apiserver from '../roles/apiserver/index.js';

export default definePlaybook({
  name: 'control-plane',
  plays: [{ name: 'control plane', hosts: 'masters', anyErrorsFatal: true, roles: [apiserver] }],
});
