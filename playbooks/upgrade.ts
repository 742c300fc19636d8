/**
 * Rolling upgrade of Kubernetes to the version of the artifact table's kubernetes row (or the inventory's
 * k8s_artifacts.kubernetes: version, url, sha256/sha512):
 *
 *   tsplay run playbooks/upgrade.ts -i inventory/prod.ts --check     which binaries and units change on which hosts
 *   tsplay run playbooks/upgrade.ts -i inventory/prod.ts
 *
 * 1. plan, on every host at once, read-only: each binary's version; a skipped minor, a downgrade, a
 *    missing binary is refused there, before anything changes (roles/upgrade/version.ts); and etcd's:
 *    with etcd_install 'release', every member's running version (endpoint status --cluster) against
 *    etcd_release.version, one minor at a time (roles/upgrade/etcd-version.ts);
 * 1b. etcd one member at a time (serial 1): the etcd role (binary replaced, restart) behind its health
 *    gate and the version gate; a package install changes nothing here;
 * 2. the control plane one host at a time (serial 1): a host that runs a kubelet cordoned and drained first
 *    (as the workers below), apiserver, controller-manager, scheduler, kubectl, kubelet, kube-proxy replaced
 *    and restarted behind their gates and the upgrade gate (each unit runs the new binary, which says the
 *    target version; the apiserver's /version says it too), then uncordoned. A failure stops the run: later
 *    hosts keep the old version;
 * 3. the workers in batches (20% of them, at least one, at a time): cordoned and drained through the API
 *    from the first control-plane host (upgrade-drain, before the batch), kubelet and kube-proxy replaced
 *    behind their gates and the upgrade gate, then uncordoned (upgrade-uncordon, after the batch; a node
 *    cordoned before the upgrade stays cordoned); a failed batch stops the rest, and stays cordoned.
 * Every node (control plane and workers) runs the runtime role inside its drained batch, before kubelet:
 * a new containerd pin (runtime_package_versions) is installed there, the node drained.
 * control_plane_mode static-pods: no control-plane binary or unit is checked or replaced; the plan reads
 * each pod's version from its manifest's image tag, and in step 2 the new release's images (the image
 * table's, digests required) move each pod, its old manifest aside until the old pod is gone, one host at
 * a time behind the same gates and an upgrade gate of their own (roles/upgrade/static-pods.ts); --check
 * lists the manifests (their image lines) and images that change on each host.
 */
import { definePlaybook, type Playbook, type Serial } from '../lib/index.js';
import apiserver from '../roles/apiserver/index.js';
import kubeProxy from '../roles/kube-proxy/index.js';
import kubelet from '../roles/kubelet/index.js';
import runtime from '../roles/runtime/index.js';
import { upgradeEtcdPlan, upgradingEtcd } from '../roles/upgrade/etcd-plan.js';
import { drainHooks, upgradePlan, upgrading } from '../roles/upgrade/index.js';

// The installing roles, each with the upgrade gate for the binaries it replaces (roles/upgrade/gate.ts).
const controlPlane = upgrading(apiserver, ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']);
// The container runtime first: a new runtime_package_versions pin (containerd) is installed inside the drained batch.
const node = [runtime, upgrading(kubelet, ['kubelet']), upgrading(kubeProxy, ['kube-proxy'])];

export interface UpgradeOptions {
  /** Worker batch size (default '20%': a fifth of the workers, at least one, at a time). */
  readonly workerSerial?: Serial;
}

export function upgradePlaybook(o: UpgradeOptions = {}): Playbook {
  return definePlaybook({
    name: 'upgrade',
    plays: [
      { name: 'upgrade plan', hosts: 'k8s', roles: [upgradePlan], anyErrorsFatal: true },
      { name: 'etcd upgrade plan', hosts: 'etcd', roles: [upgradeEtcdPlan], anyErrorsFatal: true },
      // One member at a time: replaced, restarted, the cluster healthy and the member on the target before the next.
      { name: 'upgrade etcd', hosts: 'etcd', serial: 1, anyErrorsFatal: true, roles: [upgradingEtcd] },
      { name: 'upgrade control plane', hosts: 'masters', serial: 1, anyErrorsFatal: true, ...drainHooks(), roles: [controlPlane, ...node] },
      { name: 'upgrade workers', hosts: 'workers:!masters', serial: o.workerSerial ?? '20%', anyErrorsFatal: true, ...drainHooks(), roles: node },
    ],
  });
}

export default upgradePlaybook();
