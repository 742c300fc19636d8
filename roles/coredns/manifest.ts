/**
 * The CoreDNS addon as Kubernetes objects, built by TS functions (the shape kubeadm installs: service
 * account, RBAC to watch services/endpoints, the Corefile, a Deployment, the kube-dns Service on the
 * cluster DNS IP the kubelets hand to pods), rendered as one multi-document YAML, and checked.
 */
import { stringify } from 'yaml';
import type { CorednsVars } from './vars.js';

export interface DnsBits {
  readonly clusterDns: string;
  readonly domain: string;
}

type Obj = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } };

const NS = 'kube-system';
const LABELS = { 'k8s-app': 'kube-dns' };

export function corefile(v: CorednsVars, domain: string): string {
  return `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes ${domain} in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . ${v.coredns_upstream.join(' ')} {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;
}

const port = (name: string, p: number, protocol: string) => ({ name, port: p, protocol });

export function corednsObjects(v: CorednsVars, d: DnsBits): Obj[] {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'coredns', namespace: NS } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'system:coredns' },
      rules: [
        { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:coredns' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:coredns' },
      subjects: [{ kind: 'ServiceAccount', name: 'coredns', namespace: NS }],
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: NS }, data: { Corefile: corefile(v, d.domain) } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: NS, labels: LABELS },
      spec: {
        replicas: v.coredns_replicas,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
        selector: { matchLabels: LABELS },
        template: {
          metadata: { labels: LABELS },
          spec: {
            serviceAccountName: 'coredns',
            priorityClassName: 'system-cluster-critical',
            dnsPolicy: 'Default',
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            tolerations: [
              { key: 'CriticalAddonsOnly', operator: 'Exists' },
              { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
            ],
            containers: [
              {
                name: 'coredns',
                image: v.coredns_image,
                args: ['-conf', '/etc/coredns/Corefile'],
                resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
                volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
                ports: [
                  { containerPort: 53, name: 'dns', protocol: 'UDP' },
                  { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
                  { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
                ],
                securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] }, readOnlyRootFilesystem: true },
                livenessProbe: { httpGet: { path: '/health', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 60, timeoutSeconds: 5, failureThreshold: 5 },
                readinessProbe: { httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' } },
              },
            ],
            volumes: [{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: NS, labels: { ...LABELS, 'kubernetes.io/name': 'CoreDNS' } },
      spec: { selector: LABELS, clusterIP: d.clusterDns, ports: [port('dns', 53, 'UDP'), port('dns-tcp', 53, 'TCP'), port('metrics', 9153, 'TCP')] },
    },
  ];
}

/** Problems a manifest would meet at `kubectl apply`, found before any host is touched. Pure. */
export function manifestProblems(objs: readonly Obj[], d: DnsBits): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const o of objs) {
    const key = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (!o.apiVersion || !o.kind || !o.metadata.name) out.push(`an object lacks apiVersion, kind or metadata.name: ${key}`);
    if (seen.has(key)) out.push(`${key} appears twice`);
    seen.add(key);
  }
  const svc = objs.find((o) => o.kind === 'Service') as { spec?: { clusterIP?: string } } | undefined;
  if (svc?.spec?.clusterIP !== d.clusterDns) out.push(`the kube-dns Service's clusterIP is not the kubelets' clusterDNS ${d.clusterDns}`);
  const cm = objs.find((o) => o.kind === 'ConfigMap') as { data?: { Corefile?: string } } | undefined;
  if (!cm?.data?.Corefile?.includes(`kubernetes ${d.domain} `)) out.push(`the Corefile does not serve the cluster domain ${d.domain}`);
  return out;
}

export const renderManifest = (objs: readonly Obj[]): string =>
  `# CoreDNS addon: managed by tsplay (role coredns); edits here are overwritten.\n${objs.map((o) => stringify(o)).join('---\n')}`;
