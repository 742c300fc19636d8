/**
 * coredns: the cluster DNS addon, applied from one control-plane host (play option `runOnce: true` on the
 * control-plane group) with kubectl and admin.conf.
 *
 * - the manifest (manifest.ts: ServiceAccount, RBAC, Corefile, Deployment, the kube-dns Service on the
 *   topology's cluster DNS IP) is rendered and checked on the controller; a manifest the kubelets' DNS
 *   settings would not match is refused before any host is touched;
 * - it is kept on the host (<k8s_config_dir>/addons/coredns.yaml) with admin.conf from the cluster PKI;
 * - `kubectl apply` (the release's kubectl, which the apiserver role installs) runs when `kubectl diff`
 *   finds something to change, so a converged cluster runs nothing; when the API cannot take it (down,
 *   kubectl missing) the apply fails and so does the host: the addon is never skipped in silence.
 *   `coredns_apply: false` leaves it out on purpose (the lab, whose stand-in API serves no objects);
 * - no gate: CoreDNS pods need a real kubelet and runtime to schedule on (the smoke test checks DNS).
 *
 * Vars: see vars.ts.
 */
import { command, ConfigError, defineRole, directory, template, type AnyResource, type Cluster, type Host } from '../../lib/index.js';
import { topology } from '../cluster/index.js';
import { pkiFiles } from '../pki/push.js';
import { corednsObjects, manifestProblems, renderManifest } from './manifest.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { defaults, schema, type CorednsVars } from './vars.js';

export { defaults, schema, type CorednsVars } from './vars.js';

function resources(v: CorednsVars, host: Host, cluster: Cluster): AnyResource[] {
  const t = topology(cluster);
  const dns = { clusterDns: t.clusterDns, domain: t.domain };
  const objs = corednsObjects(v, dns);
  const problems = manifestProblems(objs, dns);
  if (problems.length) throw new ConfigError(`the CoreDNS manifest would not work: ${problems.join('; ')}`, `role coredns on ${host.name}`);
  const { adminConf, addons } = t.paths;
  const dir = v.coredns_manifest_dir.replace(/\/$/, '') || addons;
  const path = `${dir}/coredns.yaml`;
  const kubectl = `${v.coredns_kubectl} --kubeconfig=${adminConf}`;
  return [
    ...pkiFiles(cluster, host, { roles: ['control-plane'], only: (p) => p === adminConf }),
    directory({ path: dir, mode: 0o755 }),
    template({ path, render: () => renderManifest(objs), mode: 0o644 }),
    // kubectl diff exits 0 when in sync, 1 on a difference and >1 when it cannot ask: then apply runs and says why.
    ...(v.coredns_apply
      ? [
          command({
            name: 'kubectl apply coredns',
            command: `${kubectl} apply -f ${path}`,
            unless: `${kubectl} --request-timeout=5s diff -f ${path} >/dev/null`,
            reads: [`path:${path}`],
          }),
        ]
      : []),
  ];
}

export default defineRole<CorednsVars>({
  name: 'coredns',
  tags: ['dns', 'addons'],
  defaults,
  sharedVars: CLUSTER_VARS,
  schema,
  resources,
});
