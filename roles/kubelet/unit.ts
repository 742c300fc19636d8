/**
 * kubelet.service. Node registration is on the command line (per host, not in the shared config):
 * --hostname-override = the inventory name, so the Node object, its certificate (system:node:<name>)
 * and kube-proxy's hostnameOverride all agree; --node-ip = the inventory address, so a multi-homed node
 * registers the address the other nodes reach it on.
 */
import { continued, execWords, type Host } from '../../lib/index.js';
import { k8sPaths } from '../cluster/index.js';
import { configPath } from './config.js';
import type { KubeletVars } from './vars.js';
import { clusterAddress } from '../cluster/cluster-address.js';

/** The units the kubelet needs running first. */
const runtimeUnits = (v: KubeletVars): string[] => (v.container_runtime === 'docker' ? ['docker.service', 'cri-docker.service'] : ['containerd.service']);

export function kubeletFlags(v: KubeletVars, host: Host): string[] {
  const labels = Object.entries(v.kubelet_node_labels).map(([k, val]) => `${k}=${val}`);
  return [
    `--config=${configPath(v)}`,
    `--kubeconfig=${k8sPaths(v.k8s_config_dir).kubeletConf}`,
    `--hostname-override=${host.name}`,
    `--node-ip=${clusterAddress(host)}`,
    ...(labels.length ? [`--node-labels=${labels.join(',')}`] : []),
    '--v=2',
  ];
}

export function kubeletUnit(v: KubeletVars, host: Host): string {
  const after = runtimeUnits(v).join(' ');
  return `# Managed by tsplay (role kubelet); edits here are overwritten.
[Unit]
Description=Kubernetes node agent (kubelet)
Documentation=https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/
After=network-online.target ${after}
Wants=network-online.target ${after}

[Service]
ExecStart=${continued(execWords('kubelet unit ExecStart', [`${v.kubelet_bin_dir}/kubelet`, ...kubeletFlags(v, host)]), 2)}
Restart=always
RestartSec=5
StartLimitInterval=0

[Install]
WantedBy=multi-user.target
`;
}
