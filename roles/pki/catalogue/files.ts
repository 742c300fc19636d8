/**
 * What each host gets from the pki directory, and where: roles push these with their file resource.
 * A host receives only what its roles use (a worker never sees a CA key or another node's key). The
 * remote layout follows kubeadm (/etc/kubernetes/pki/...), which is what the flags in the docs assume.
 */
import { ConfigError, rememberSecret } from '../../../lib/index.js';
import { resolvePkiSpec, type PkiSpec } from './spec.js';
import { readText } from './store.js';

export type PkiHostRole = 'control-plane' | 'etcd' | 'node';

export interface PkiFile {
  /** Absolute path on the host. */
  readonly path: string;
  readonly content: string;
  readonly mode: number;
  readonly owner: string;
  /** Private key material: never print it or diff it. */
  readonly secret: boolean;
}

export interface PkiFilesOptions {
  /** Default /etc/kubernetes. */
  readonly remoteDir?: string;
}

/** [path on the host relative to remoteDir, file in the pki dir]; a `.key` or `.conf` source is secret. */
type Placement = readonly [string, string];

function placements(role: PkiHostRole, host: string, flannelEtcdClient: boolean): Placement[] {
  const pair = (to: string, from: string): Placement[] => [
    [`${to}.crt`, `${from}.crt`],
    [`${to}.key`, `${from}.key`],
  ];
  switch (role) {
    case 'control-plane':
      return [
        // ca.key: the controller-manager signs kubelet CSRs with it (--cluster-signing-key-file).
        ...pair('pki/ca', 'ca'),
        ...pair('pki/apiserver', 'apiserver'),
        ...pair('pki/apiserver-kubelet-client', 'apiserver-kubelet-client'),
        ...pair('pki/apiserver-etcd-client', 'apiserver-etcd-client'),
        ...pair('pki/front-proxy-client', 'front-proxy-client'),
        ['pki/etcd/ca.crt', 'etcd/ca.crt'],
        ['pki/front-proxy-ca.crt', 'front-proxy-ca.crt'],
        ['pki/sa.key', 'sa.key'],
        ['pki/sa.pub', 'sa.pub'],
        ['admin.conf', 'kubeconfigs/admin.conf'],
        ['controller-manager.conf', 'kubeconfigs/kube-controller-manager.conf'],
        ['scheduler.conf', 'kubeconfigs/kube-scheduler.conf'],
      ];
    case 'etcd':
      return [
        ['pki/etcd/ca.crt', 'etcd/ca.crt'],
        ...pair('pki/etcd/server', `etcd/${host}-server`),
        ...pair('pki/etcd/peer', `etcd/${host}-peer`),
        ...pair('pki/etcd/healthcheck-client', 'etcd/healthcheck-client'),
      ];
    case 'node':
      return [
        ['pki/ca.crt', 'ca.crt'],
        ...pair('pki/kubelet', `kubelets/${host}`),
        ['kubelet.conf', `kubeconfigs/kubelet-${host}.conf`],
        ['kube-proxy.conf', 'kubeconfigs/kube-proxy.conf'],
        ...(flannelEtcdClient ? [['pki/etcd/ca.crt', 'etcd/ca.crt'] as const, ...pair('pki/etcd/flannel-client', 'etcd/flannel-client')] : []),
      ];
  }
}

/** The roles a host has in the spec. */
export function pkiRolesOf(spec: PkiSpec, host: string): PkiHostRole[] {
  const has = (list: PkiSpec['nodes']) => list.some((m) => m.name === host);
  return [
    ...(has(spec.controlPlane) ? ['control-plane' as const] : []),
    ...(has(spec.etcd) ? ['etcd' as const] : []),
    ...(has(spec.nodes) ? ['node' as const] : []),
  ];
}

/** Where a host's PKI file goes and where it comes from, known before anything is read. */
export interface PkiPlacement {
  /** Absolute path on the host. */
  readonly path: string;
  /** File in the pki directory. */
  readonly source: string;
  readonly mode: number;
  readonly owner: string;
  /** Private key material (a `.key` or a kubeconfig that embeds one). */
  readonly secret: boolean;
}

/** What `host` gets (default roles: every role it has in the spec), without reading anything. */
export function pkiPlacementsFor(spec: PkiSpec, host: string, roles?: readonly PkiHostRole[], opts: PkiFilesOptions = {}): PkiPlacement[] {
  const resolved = resolvePkiSpec(spec);
  const own = pkiRolesOf(resolved, host);
  for (const r of roles ?? []) if (!own.includes(r)) throw new ConfigError(`host "${host}" is not in the ${r} list of the PKI spec`, 'pkiFilesFor');
  const remote = (opts.remoteDir ?? '/etc/kubernetes').replace(/\/$/, '');
  const wanted = new Map((roles ?? own).flatMap((r) => placements(r, host, resolved.flannelEtcdClient)));
  return [...wanted].map(([to, source]) => {
    const secret = /\.(key|conf)$/.test(source);
    return { path: `${remote}/${to}`, source, mode: secret ? 0o600 : 0o644, owner: 'root', secret };
  });
}

/** Files for `host` with their content. Fails if ensurePki has not produced them. */
export async function pkiFilesFor(spec: PkiSpec, dir: string, host: string, roles?: readonly PkiHostRole[], opts: PkiFilesOptions = {}): Promise<PkiFile[]> {
  return Promise.all(
    pkiPlacementsFor(spec, host, roles, opts).map(async ({ source, ...p }) => {
      const content = await readText(dir, source);
      if (content === undefined) throw new ConfigError(`${source} is missing from ${dir}: run ensurePki in apply mode first`, 'pkiFilesFor');
      if (p.secret) rememberSecret(content);
      return { ...p, content };
    }),
  );
}
