/**
 * kube-proxy vars. The pod range (clusterCIDR) comes from the topology (pod_cidr); `k8s_arch` and
 * `k8s_artifacts` are cluster-wide; the rest are prefixed `kube_proxy_`.
 */
import { z } from 'zod';
import { absPath, declareVars, port, type VarsOf } from '../../lib/index.js';
import { configDirShape } from '../cluster/config-dir.js';
import { artifactVarShape } from '../cluster/shared-vars.js';

export const vars = declareVars(
  z.object({
    ...artifactVarShape,
    ...configDirShape,
    kube_proxy_bin_dir: absPath.default('/usr/local/bin').describe('where the kube-proxy binary lands'),
    kube_proxy_dir: absPath.default('/var/lib/kube-proxy').describe('its state directory; config.yaml goes in it'),
    kube_proxy_mode: z
      .enum(['iptables', 'ipvs', 'nftables'])
      .default('iptables')
      .describe('iptables (what KTHW uses), ipvs (needs the ip_vs modules) or nftables (kernel >= 5.13)'),
    kube_proxy_healthz_port: port.default(10256).describe('served on 0.0.0.0 for load balancers with externalTrafficPolicy: Local (firewalld opens it)'),
    kube_proxy_extra_config: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('more KubeProxyConfiguration fields, merged over the managed ones (conntrack, ipvs, ...)'),
  }),
);

export type KubeProxyVars = VarsOf<typeof vars>;
export const { defaults, schema } = vars;
