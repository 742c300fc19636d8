/**
 * Tear the cluster down: every cluster service stopped and disabled, units, configuration, certificates
 * and state removed on every host (packages and binaries stay). A static-pod control plane goes first: its
 * manifests removed and the kubelet seen to stop the pods, then the kubelet (roles/reset/static-pods.ts).
 * Destructive: try it with --check first.
 *
 *   tsplay run playbooks/reset.ts -i inventory/prod.ts --check
 */
import { definePlaybook } from '../lib/index.js';
import reset from '../roles/reset/index.js';

export default definePlaybook({
  name: 'reset',
  plays: [{ name: 'reset every cluster host', hosts: 'etcd:k8s:lb', roles: [reset] }],
});
