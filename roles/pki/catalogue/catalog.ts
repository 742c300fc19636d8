/**
 * The catalogue: every CA, certificate, key pair and kubeconfig a cluster needs, derived from the spec.
 * Subjects follow the Kubernetes PKI reference (kubernetes.io/docs/setup/best-practices/certificates)
 * without the known typos (scheduler O, kubernetes.default.svc.<domain>). etcd gets its own CA: with one
 * shared CA any kubelet certificate would be a valid etcd client (the kubeasz trap).
 */
import { firstHost, normalizeIp, parseCidr } from '../../../lib/index.js';
import type { ResolvedPkiSpec } from './spec.js';

/** server = serverAuth, client = clientAuth, peer = both (etcd members, kubelet serving + client). */
export type Usage = 'ca' | 'server' | 'client' | 'peer';

export interface Sans {
  readonly dns: readonly string[];
  readonly ip: readonly string[];
}

export interface CertWant {
  readonly kind: 'cert';
  readonly id: string;
  /** Path under the pki directory without extension: <file>.crt and <file>.key. */
  readonly file: string;
  /** Id of the issuing CA; undefined for a self-signed root. */
  readonly issuer?: string;
  readonly subject: { readonly cn: string; readonly o?: string };
  readonly sans: Sans;
  readonly usage: Usage;
  readonly days: number;
}

export interface KeyPairWant {
  readonly kind: 'keypair';
  readonly id: string;
  /** <file>.key and <file>.pub */
  readonly file: string;
}

export interface KubeconfigWant {
  readonly kind: 'kubeconfig';
  readonly id: string;
  readonly file: string;
  /** Id of the client certificate it embeds. */
  readonly cert: string;
}

export type Want = CertWant | KeyPairWant | KubeconfigWant;

export const CA_IDS = ['ca', 'etcd-ca', 'front-proxy-ca'] as const;

/** Split names into DNS and IP SANs, canonical, deduplicated and sorted so they compare as sets. */
export function sans(names: readonly string[]): Sans {
  const ip = new Set<string>();
  const dns = new Set<string>();
  for (const n of names) {
    const addr = normalizeIp(n);
    if (addr === undefined) dns.add(n);
    else ip.add(addr);
  }
  return { dns: [...dns].sort(), ip: [...ip].sort() };
}

const none: Sans = { dns: [], ip: [] };

/** Everything the spec calls for, CAs first (issue order). */
export function catalog(spec: ResolvedPkiSpec): Want[] {
  const days = spec.certValidityDays;
  const ca = (id: string, file: string, cn: string): CertWant => ({
    kind: 'cert',
    id,
    file,
    subject: { cn },
    sans: none,
    usage: 'ca',
    days: spec.caValidityDays,
  });
  const leaf = (id: string, file: string, issuer: string, usage: Usage, cn: string, o?: string, names: readonly string[] = []): CertWant => ({
    kind: 'cert',
    id,
    file,
    issuer,
    usage,
    days,
    subject: o === undefined ? { cn } : { cn, o },
    sans: sans(names),
  });
  const kubeconfig = (id: string, file: string, cert: string): KubeconfigWant => ({
    kind: 'kubeconfig',
    id: `kubeconfig:${id}`,
    file: `kubeconfigs/${file}.conf`,
    cert,
  });
  const domain = spec.clusterDomain;
  const apiserverNames = [
    firstHost(parseCidr(spec.serviceCidr)!),
    ...(spec.vip ? [spec.vip] : []),
    ...spec.controlPlane.flatMap((m) => [m.address, m.name]),
    '127.0.0.1',
    'localhost',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    `kubernetes.default.svc.${domain}`,
    ...spec.apiserverExtraSans,
  ];
  const memberNames = (m: { name: string; address: string }) => [m.address, m.name, '127.0.0.1', '::1', 'localhost'];
  return [
    ca('ca', 'ca', `${spec.clusterName}-ca`),
    ca('etcd-ca', 'etcd/ca', `${spec.clusterName}-etcd-ca`),
    ca('front-proxy-ca', 'front-proxy-ca', `${spec.clusterName}-front-proxy-ca`),
    { kind: 'keypair', id: 'sa', file: 'sa' },
    leaf('apiserver', 'apiserver', 'ca', 'server', 'kube-apiserver', undefined, apiserverNames),
    leaf('apiserver-kubelet-client', 'apiserver-kubelet-client', 'ca', 'client', 'kube-apiserver-kubelet-client', 'system:masters'),
    leaf('apiserver-etcd-client', 'apiserver-etcd-client', 'etcd-ca', 'client', 'kube-apiserver-etcd-client'),
    // What etcd members' health checks (etcdctl, curl) present: a member's own server key is not a client's.
    leaf('etcd-healthcheck-client', 'etcd/healthcheck-client', 'etcd-ca', 'client', 'kube-etcd-healthcheck-client'),
    leaf('front-proxy-client', 'front-proxy-client', 'front-proxy-ca', 'client', 'front-proxy-client'),
    // flanneld on every node, when it keeps its leases in etcd: an etcd client of its own, not the apiserver's.
    ...(spec.flannelEtcdClient ? [leaf('flannel-etcd-client', 'etcd/flannel-client', 'etcd-ca', 'client', 'flannel')] : []),
    leaf('admin', 'admin', 'ca', 'client', 'admin', 'system:masters'),
    leaf('kube-controller-manager', 'kube-controller-manager', 'ca', 'client', 'system:kube-controller-manager', 'system:kube-controller-manager'),
    leaf('kube-scheduler', 'kube-scheduler', 'ca', 'client', 'system:kube-scheduler', 'system:kube-scheduler'),
    leaf('kube-proxy', 'kube-proxy', 'ca', 'client', 'system:kube-proxy', 'system:node-proxier'),
    ...spec.nodes.map((n) => leaf(`kubelet:${n.name}`, `kubelets/${n.name}`, 'ca', 'peer', `system:node:${n.name}`, 'system:nodes', [n.name, n.address])),
    ...spec.etcd.flatMap((m) => [
      leaf(`etcd-server:${m.name}`, `etcd/${m.name}-server`, 'etcd-ca', 'peer', m.name, undefined, memberNames(m)),
      leaf(`etcd-peer:${m.name}`, `etcd/${m.name}-peer`, 'etcd-ca', 'peer', m.name, undefined, memberNames(m)),
    ]),
    kubeconfig('admin', 'admin', 'admin'),
    kubeconfig('kube-controller-manager', 'kube-controller-manager', 'kube-controller-manager'),
    kubeconfig('kube-scheduler', 'kube-scheduler', 'kube-scheduler'),
    kubeconfig('kube-proxy', 'kube-proxy', 'kube-proxy'),
    ...spec.nodes.map((n) => kubeconfig(`kubelet:${n.name}`, `kubelet-${n.name}`, `kubelet:${n.name}`)),
  ];
}
