/**
 * The control-plane share of the cluster PKI (pkiFiles, roles ['control-plane']), each file notifying
 * the restart of the components that read it: a renewed apiserver certificate restarts the apiserver
 * only, a new scheduler.conf the scheduler only, the CA all three.
 */
import type { AnyResource, Cluster, Host } from '../../lib/index.js';
import { pathsFor } from '../cluster/config-dir.js';
import { pkiFiles } from '../pki/push.js';
import { restartOf } from './handlers.js';
import type { ControlPlaneComponent } from './units.js';
import type { ApiserverVars } from './vars.js';

const ALL: ControlPlaneComponent[] = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
/** Files read by more than the apiserver, or not by it; every other file of the share is the apiserver's. */
const READERS: Readonly<Record<string, ControlPlaneComponent[]>> = {
  'pki/ca.crt': ALL,
  'pki/ca.key': ['kube-controller-manager'],
  'pki/sa.key': ['kube-apiserver', 'kube-controller-manager'],
  'pki/front-proxy-ca.crt': ['kube-apiserver', 'kube-controller-manager'],
  'controller-manager.conf': ['kube-controller-manager'],
  'scheduler.conf': ['kube-scheduler'],
  'admin.conf': [],
};

/** Which components read a file of the share, by its path under the config dir. */
export const readersOf = (relative: string): ControlPlaneComponent[] => READERS[relative] ?? ['kube-apiserver'];

/** `also`: more handlers a file notifies (static-pods mode: the kubelet's restart, for the files it reads too). */
export function controlPlanePki(v: ApiserverVars, host: Host, cluster: Cluster, also: (path: string) => readonly string[] = () => []): AnyResource[] {
  const root = pathsFor(v, cluster).dir;
  const notify = (path: string) => {
    const restarts = [...readersOf(path.slice(root.length + 1)).map(restartOf), ...also(path)];
    return restarts.length ? restarts : undefined;
  };
  return pkiFiles(cluster, host, { roles: ['control-plane'], notify });
}

/** The host paths of the files of a part of the host's PKI share. */
export function pkiPathsOf(cluster: Cluster, host: Host, role: 'control-plane' | 'node'): Set<string> {
  const paths = new Set<string>();
  pkiFiles(cluster, host, {
    roles: [role],
    only: (p) => {
      paths.add(p);
      return false;
    },
  });
  return paths;
}
