/**
 * coredns: the cluster DNS addon, applied from one control-plane host (play option `runOnce: true` on the
 * control-plane group) with kubectl and admin.conf.
 *
 * - the manifest (manifest.ts: ServiceAccount, RBAC, Corefile, Deployment, the kube-dns Service on the
 *   topology's cluster DNS IP) is rendered and checked on the controller; a manifest the kubelets' DNS
 *   settings would not match is refused before any host is touched;
 * - it is kept on the host (/etc/kubernetes/addons/coredns.yaml) with admin.conf from the cluster PKI;
 * - `kubectl apply` runs only when a real apiserver answers (it serves the kube-system namespace; the
 *   test stand-ins answer /version and health only) and `kubectl diff` finds something to change, so a
 *   converged cluster runs nothing and a cluster without a real API is not failed for it;
 * - no gate: CoreDNS pods need a real kubelet and runtime to schedule on (the smoke test checks DNS).
 *
 * Vars: see vars.ts.
 */
import { command, ConfigError, defineRole, directory, template, type AnyResource, type Cluster, type Host } from '../../lib/index.js';
import { topology } from '../cluster/index.js';
import { pkiFiles } from '../pki/push.js';
import { corednsObjects, manifestProblems, renderManifest } from './manifest.js';
import { defaults, schema, type CorednsVars } from './vars.js';

export { defaults, schema, type CorednsVars } from './vars.js';

export const ADMIN_CONF = '/etc/kubernetes/admin.conf';

function resources(v: CorednsVars, host: Host, cluster: Cluster): AnyResource[] {
  const t = topology(cluster);
  const dns = { clusterDns: t.clusterDns, domain: t.domain };
  const objs = corednsObjects(v, dns);
  const problems = manifestProblems(objs, dns);
  if (problems.length) throw new ConfigError(`the CoreDNS manifest would not work: ${problems.join('; ')}`, `role coredns on ${host.name}`);
  const path = `${v.coredns_manifest_dir.replace(/\/$/, '')}/coredns.yaml`;
  const kubectl = `${v.coredns_kubectl} --kubeconfig=${ADMIN_CONF}`;
  return [
    ...pkiFiles(cluster, host, { roles: ['control-plane'], only: (path) => path === ADMIN_CONF }),
    directory({ path: v.coredns_manifest_dir, mode: 0o755 }),
    template({ path, render: () => renderManifest(objs), mode: 0o644 }),
    command({
      name: 'kubectl apply coredns',
      command: `${kubectl} apply -f ${path}`,
      onlyIf: `${kubectl} --request-timeout=5s get namespace kube-system -o name`,
      unless: `${kubectl} --request-timeout=5s diff -f ${path} >/dev/null`,
      reads: [`path:${path}`],
    }),
  ];
}

export default defineRole<CorednsVars>({
  name: 'coredns',
  tags: ['dns', 'addons'],
  defaults,
  schema,
  resources,
});
