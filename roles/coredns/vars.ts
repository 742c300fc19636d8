/**
 * coredns vars. The service IP and domain come from the topology (cluster_dns, cluster_domain); the rest
 * are prefixed `coredns_`.
 */
import { z } from 'zod';
import { commandPath } from '../cluster/schemas.js';

export interface CorednsVars {
  readonly coredns_image: string;
  readonly coredns_replicas: number;
  /** Where unresolved names go: a resolv.conf on the node, or upstream server addresses. */
  readonly coredns_upstream: readonly string[];
  /** The kubectl on the control-plane host: the release's, which the apiserver role installs in k8s_bin_dir. */
  readonly coredns_kubectl: string;
  /**
   * Apply the manifest (kubectl apply when kubectl diff finds a change). A failing apply fails the host:
   * the addon is never skipped in silence. false only where no real apiserver serves objects (the lab's
   * stand-ins): the manifest is still rendered and kept on the host.
   */
  readonly coredns_apply: boolean;
  /** Where the rendered manifest is kept on the host (what was applied, for `kubectl diff` by hand). */
  readonly coredns_manifest_dir: string;
}

export const defaults: CorednsVars = {
  // The CoreDNS that kubeadm 1.34 installs.
  coredns_image: 'registry.k8s.io/coredns/coredns:v1.12.1',
  coredns_replicas: 2,
  coredns_upstream: ['/etc/resolv.conf'],
  coredns_kubectl: '/usr/local/bin/kubectl',
  coredns_apply: true,
  coredns_manifest_dir: '/etc/kubernetes/addons',
};

const upstream = z.string().regex(/^(\/[^\s"'\\]+|[0-9A-Fa-f.:]+(:\d+)?|tls:\/\/\S+)$/, 'expected a resolv.conf path or an upstream server address');

export const schema: z.ZodType<CorednsVars> = z.object({
  coredns_image: z.string().regex(/^[a-z0-9][a-z0-9._\/:-]*(@sha256:[0-9a-f]{64})?$/, 'expected an image reference'),
  coredns_replicas: z.number().int().min(1).max(20),
  coredns_upstream: z.array(upstream).min(1),
  coredns_kubectl: commandPath,
  coredns_apply: z.boolean(),
  coredns_manifest_dir: commandPath,
});
