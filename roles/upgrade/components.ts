/**
 * Which Kubernetes binaries, run by which systemd units, an upgrade changes on a host: the control-plane
 * trio (and kubectl) on the masters, the kubelet and kube-proxy on every node (k8s = masters + workers).
 * With control_plane_mode static-pods the trio are no binaries on the host but static pods (static-pods.ts).
 * The bin dirs are the installing roles' own vars (same names, same defaults), so an inventory that moves
 * a binary moves it for the upgrade too.
 */
import type { Host } from '../../lib/index.js';
import { defaults as apiserverDefaults } from '../apiserver/vars.js';
import { defaults as kubeProxyDefaults } from '../kube-proxy/vars.js';
import { defaults as kubeletDefaults } from '../kubelet/vars.js';

export interface BinDirs {
  readonly k8s_bin_dir: string;
  readonly kubelet_bin_dir: string;
  readonly kube_proxy_bin_dir: string;
}

export const binDirDefaults: BinDirs = {
  k8s_bin_dir: apiserverDefaults.k8s_bin_dir,
  kubelet_bin_dir: kubeletDefaults.kubelet_bin_dir,
  kube_proxy_bin_dir: kubeProxyDefaults.kube_proxy_bin_dir,
};

/** A binary the upgrade replaces; `unit` is the service running it (kubectl runs none). */
export interface Component {
  readonly binary: string;
  readonly path: string;
  readonly unit?: string;
}

/** What the host runs, by its groups; `staticPods`: the control-plane trio runs as static pods, not from binaries here. */
export function componentsOf(host: Host, d: BinDirs, staticPods = false): Component[] {
  const master = host.groups.includes('masters');
  const node = master || host.groups.includes('workers') || host.groups.includes('k8s');
  const at = (dir: string, b: string) => `${dir.replace(/\/$/, '')}/${b}`;
  return [
    ...(master && !staticPods
      ? ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((b) => ({ binary: b, path: at(d.k8s_bin_dir, b), unit: `${b}.service` }))
      : []),
    ...(master ? [{ binary: 'kubectl', path: at(d.k8s_bin_dir, 'kubectl') }] : []),
    ...(node ? [{ binary: 'kubelet', path: at(d.kubelet_bin_dir, 'kubelet'), unit: 'kubelet.service' }] : []),
    ...(node ? [{ binary: 'kube-proxy', path: at(d.kube_proxy_bin_dir, 'kube-proxy'), unit: 'kube-proxy.service' }] : []),
  ];
}
