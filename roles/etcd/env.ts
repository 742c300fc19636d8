/**
 * /etc/etcd/etcd.env: the member's whole configuration as ETCD_* variables (etcd reads one per flag),
 * loaded by the unit's EnvironmentFile. One file per member, rendered whole: a diff shows exactly which
 * setting changed, and the unit itself never changes with the cluster.
 */
import type { Member } from './members.js';
import type { EtcdVars } from './vars.js';

/** Certificate paths pkiFiles puts on an etcd host (roles: ['etcd']). */
export function certPaths(v: EtcdVars) {
  const dir = `${v.k8s_config_dir}/pki/etcd`;
  return {
    dir,
    ca: `${dir}/ca.crt`,
    cert: `${dir}/server.crt`,
    key: `${dir}/server.key`,
    peerCert: `${dir}/peer.crt`,
    peerKey: `${dir}/peer.key`,
    checkCert: `${dir}/healthcheck-client.crt`,
    checkKey: `${dir}/healthcheck-client.key`,
  };
}

/** The managed settings, in a fixed order. */
export function etcdSettings(v: EtcdVars, me: Member, all: readonly Member[], token: string): [string, string][] {
  const p = certPaths(v);
  const loopback = me.address.includes(':') ? '[::1]' : '127.0.0.1';
  return [
    ['ETCD_NAME', me.name],
    ['ETCD_DATA_DIR', v.etcd_data_dir],
    ['ETCD_LISTEN_PEER_URLS', me.peerUrl],
    ['ETCD_INITIAL_ADVERTISE_PEER_URLS', me.peerUrl],
    ['ETCD_LISTEN_CLIENT_URLS', `${me.clientUrl},https://${loopback}:${v.etcd_client_port}`],
    ['ETCD_ADVERTISE_CLIENT_URLS', me.clientUrl],
    ...(v.etcd_metrics_url ? [['ETCD_LISTEN_METRICS_URLS', v.etcd_metrics_url] as [string, string]] : []),
    ['ETCD_INITIAL_CLUSTER', all.map((m) => `${m.name}=${m.peerUrl}`).join(',')],
    ['ETCD_INITIAL_CLUSTER_STATE', v.etcd_initial_cluster_state],
    ['ETCD_INITIAL_CLUSTER_TOKEN', token],
    // zap: the only logger etcd 3.5 knows; 3.4 defaults to the deprecated capnslog and warns at every start.
    ['ETCD_LOGGER', 'zap'],
    // Clients: TLS, and a certificate signed by the etcd CA is required.
    ['ETCD_CERT_FILE', p.cert],
    ['ETCD_KEY_FILE', p.key],
    ['ETCD_TRUSTED_CA_FILE', p.ca],
    ['ETCD_CLIENT_CERT_AUTH', 'true'],
    // Peers: the same, with the member's peer certificate.
    ['ETCD_PEER_CERT_FILE', p.peerCert],
    ['ETCD_PEER_KEY_FILE', p.peerKey],
    ['ETCD_PEER_TRUSTED_CA_FILE', p.ca],
    ['ETCD_PEER_CLIENT_CERT_AUTH', 'true'],
  ];
}

/** The env file's text: managed settings, then the extra ones (sorted). Pure. */
export function etcdEnv(v: EtcdVars, me: Member, all: readonly Member[], token: string): string {
  const managed = etcdSettings(v, me, all, token);
  const extra = Object.entries(v.etcd_extra_env).sort(([a], [b]) => a.localeCompare(b));
  return `${[
    `# etcd member ${me.name}: managed by tsplay (role etcd); edits here are overwritten.`,
    ...managed.map(([k, val]) => `${k}=${val}`),
    ...(extra.length ? ['# etcd_extra_env', ...extra.map(([k, val]) => `${k}=${val}`)] : []),
  ].join('\n')}\n`;
}

/** /etc/etcd/etcdctl.env: `set -a; . /etc/etcd/etcdctl.env; set +a; etcdctl member list` works as is. */
export function etcdctlEnv(v: EtcdVars, all: readonly Member[]): string {
  const p = certPaths(v);
  return `${[
    '# For operators: set -a; . this file; set +a; then etcdctl talks to the cluster over TLS. Managed by tsplay.',
    'ETCDCTL_API=3',
    `ETCDCTL_ENDPOINTS=${all.map((m) => m.clientUrl).join(',')}`,
    `ETCDCTL_CACERT=${p.ca}`,
    // The member's server certificate is also a client certificate (the etcd CA issues it for both uses).
    `ETCDCTL_CERT=${p.cert}`,
    `ETCDCTL_KEY=${p.key}`,
  ].join('\n')}\n`;
}
