/**
 * coredns vars. The service IP and domain come from the topology (cluster_dns, cluster_domain); the rest
 * are prefixed `coredns_`.
 */
import { z } from 'zod';

export interface CorednsVars {
  readonly coredns_image: string;
  readonly coredns_replicas: number;
  /** Where unresolved names go: a resolv.conf on the node, or upstream server addresses. */
  readonly coredns_upstream: readonly string[];
  /** The kubectl on the control-plane host (Debian: kubernetes-client; or the release's kubectl). */
  readonly coredns_kubectl: string;
  /** Where the rendered manifest is kept on the host (what was applied, for `kubectl diff` by hand). */
  readonly coredns_manifest_dir: string;
}

export const defaults: CorednsVars = {
  // The CoreDNS that kubeadm 1.34 installs.
  coredns_image: 'registry.k8s.io/coredns/coredns:v1.12.1',
  coredns_replicas: 2,
  coredns_upstream: ['/etc/resolv.conf'],
  coredns_kubectl: '/usr/bin/kubectl',
  coredns_manifest_dir: '/etc/kubernetes/addons',
};

const absPath = z.string().regex(/^\/[^\s"'\\]*$/, 'expected an absolute path without spaces or quotes');
const upstream = z.string().regex(/^(\/[^\s"'\\]+|[0-9A-Fa-f.:]+(:\d+)?|tls:\/\/\S+)$/, 'expected a resolv.conf path or an upstream server address');

export const schema: z.ZodType<CorednsVars> = z.object({
  coredns_image: z.string().regex(/^[a-z0-9][a-z0-9._\/:-]*(@sha256:[0-9a-f]{64})?$/, 'expected an image reference'),
  coredns_replicas: z.number().int().min(1).max(20),
  coredns_upstream: z.array(upstream).min(1),
  coredns_kubectl: absPath,
  coredns_manifest_dir: absPath,
});
