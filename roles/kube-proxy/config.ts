/**
 * The KubeProxyConfiguration (kubeproxy.config.k8s.io/v1alpha1) and kube-proxy.service. hostnameOverride
 * is the inventory name, as the kubelet registers it: kube-proxy looks up its Node by that name, and
 * without a match it creates no rules (kubeasz's warning). clusterCIDR is the pod range, so traffic from
 * outside it to a service IP is masqueraded.
 */
import { stringify } from 'yaml';
import { execLine, unitValue, type Host } from '../../lib/index.js';
import { k8sPaths } from '../cluster/config-dir.js';
import type { KubeProxyVars } from './vars.js';

export const configPath = (v: KubeProxyVars): string => `${v.kube_proxy_dir.replace(/\/$/, '')}/config.yaml`;

export function kubeProxyConfiguration(v: KubeProxyVars, host: Host, podCidr: string): Record<string, unknown> {
  return {
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    bindAddress: '0.0.0.0',
    clientConnection: { kubeconfig: k8sPaths(v.k8s_config_dir).kubeProxyConf },
    clusterCIDR: podCidr,
    hostnameOverride: host.name,
    healthzBindAddress: `0.0.0.0:${v.kube_proxy_healthz_port}`,
    metricsBindAddress: '127.0.0.1:10249',
    mode: v.kube_proxy_mode,
    ...v.kube_proxy_extra_config,
  };
}

export const kubeProxyConfigYaml = (v: KubeProxyVars, host: Host, podCidr: string): string =>
  `# Managed by tsplay (role kube-proxy); edits here are overwritten.\n${stringify(kubeProxyConfiguration(v, host, podCidr))}`;

export const kubeProxyUnit = (v: KubeProxyVars): string => `# Managed by tsplay (role kube-proxy); edits here are overwritten.
[Unit]
Description=Kubernetes network proxy (kube-proxy)
Documentation=https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/
After=network-online.target
Wants=network-online.target

[Service]
WorkingDirectory=${unitValue('kube-proxy unit WorkingDirectory (var kube_proxy_dir)', v.kube_proxy_dir)}
ExecStart=${execLine('kube-proxy unit ExecStart', [`${v.kube_proxy_bin_dir}/kube-proxy`, `--config=${configPath(v)}`, '--v=2'])}
Restart=always
RestartSec=5
StartLimitInterval=0
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
`;
