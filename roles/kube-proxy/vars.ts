/**
 * kube-proxy vars. The pod range (clusterCIDR) comes from the topology (pod_cidr); `k8s_arch` and
 * `k8s_artifacts` are cluster-wide; the rest are prefixed `kube_proxy_`.
 */
import { z } from 'zod';
import { artifactDefaults, artifactShape, type ArtifactVars } from '../cluster/shared-vars.js';

export interface KubeProxyVars extends ArtifactVars {
  readonly kube_proxy_bin_dir: string;
  /** Its state directory; config.yaml goes in it. */
  readonly kube_proxy_dir: string;
  /** iptables (default, what KTHW uses), ipvs (needs the ip_vs modules) or nftables (kernel >= 5.13). */
  readonly kube_proxy_mode: 'iptables' | 'ipvs' | 'nftables';
  /** Served on 0.0.0.0 for load balancers with externalTrafficPolicy: Local (firewalld opens it). */
  readonly kube_proxy_healthz_port: number;
  /** More KubeProxyConfiguration fields, merged over the managed ones (conntrack, ipvs, ...). */
  readonly kube_proxy_extra_config: Readonly<Record<string, unknown>>;
}

export const defaults: KubeProxyVars = {
  ...artifactDefaults,
  kube_proxy_bin_dir: '/usr/local/bin',
  kube_proxy_dir: '/var/lib/kube-proxy',
  kube_proxy_mode: 'iptables',
  kube_proxy_healthz_port: 10256,
  kube_proxy_extra_config: {},
};

const absPath = z.string().regex(/^\/[^\s"'\\]*$/, 'expected an absolute path without spaces or quotes');

export const schema: z.ZodType<KubeProxyVars> = z.object({
  ...artifactShape,
  kube_proxy_bin_dir: absPath,
  kube_proxy_dir: absPath,
  kube_proxy_mode: z.enum(['iptables', 'ipvs', 'nftables']),
  kube_proxy_healthz_port: z.number().int().min(1).max(65535),
  kube_proxy_extra_config: z.record(z.string(), z.unknown()),
});
