/**
 * What flanneld and the runtime read: net-conf.json (the network and backend, the same file the
 * kube-flannel DaemonSet mounts from its ConfigMap), the CNI conflist (flannel delegating to the bridge
 * plugin, plus portmap for hostPort), and flanneld.service.
 *
 * Mode: the kube subnet manager (--kube-subnet-mgr), as Kubespray and kubeasz deploy flannel: each node's
 * subnet is its Node's spec.podCIDR, handed out by the controller-manager (--allocate-node-cidrs,
 * --cluster-cidr = pod_cidr), so flannel needs no etcd access and no etcd client certificate. Unlike
 * those anchors, flanneld runs as a host service (the hard way), with NODE_NAME = the inventory name.
 * Or the etcd subnet manager (flannel_subnet_manager 'etcd', the HA handbook's): flanneld reads the same
 * network config from etcd (<flannel_etcd_prefix>/config, put there by roles/flannel-network) and keeps its
 * subnet lease there, with an etcd client certificate of its own (CN flannel, from the etcd CA).
 */
import { continued, envAssignment, execWords, type Host } from '../../lib/index.js';
import { k8sPaths } from '../cluster/config-dir.js';
import { kubeconfigOf, type FlannelVars } from './vars.js';
import { clusterAddress, ownClusterAddress } from '../cluster/cluster-address.js';

export const NET_CONF = '/etc/kube-flannel/net-conf.json';
export const SUBNET_ENV = '/run/flannel/subnet.env';
export const conflistPath = (v: FlannelVars): string => `${v.cni_conf_dir.replace(/\/$/, '')}/10-flannel.conflist`;

export function netConf(v: FlannelVars, podCidr: string): Record<string, unknown> {
  const backend = v.flannel_backend === 'vxlan' ? { Type: 'vxlan', VNI: v.flannel_vxlan_vni, Port: v.flannel_vxlan_port } : { Type: v.flannel_backend };
  return { Network: podCidr, SubnetLen: v.flannel_subnet_len, EnableNFTables: false, Backend: backend };
}

/** kube-flannel's cni-conf.json: the node's subnet from subnet.env, hairpin for pods reaching themselves via a service. */
export const conflist = (): Record<string, unknown> => ({
  name: 'cbr0',
  cniVersion: '0.3.1',
  plugins: [
    { type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } },
    { type: 'portmap', capabilities: { portMappings: true } },
  ],
});

export const json = (o: unknown): string => `${JSON.stringify(o, null, 2)}\n`;

/** Its etcd client certificate (the node's PKI share with the etcd subnet manager). */
export function flannelEtcdPki(v: FlannelVars) {
  const dir = `${k8sPaths(v.k8s_config_dir).pki}/etcd`;
  return { dir, ca: `${dir}/ca.crt`, cert: `${dir}/flannel-client.crt`, key: `${dir}/flannel-client.key` };
}

/** `etcdEndpoints`: the etcd members' client URLs, for the etcd subnet manager. */
export function flanneldFlags(v: FlannelVars, host: Host, etcdEndpoints: readonly string[] = []): string[] {
  const p = flannelEtcdPki(v);
  const manager =
    v.flannel_subnet_manager === 'etcd'
      ? [
          `--etcd-endpoints=${etcdEndpoints.join(',')}`,
          `--etcd-prefix=${v.flannel_etcd_prefix}`,
          `--etcd-cafile=${p.ca}`,
          `--etcd-certfile=${p.cert}`,
          `--etcd-keyfile=${p.key}`,
        ]
      : ['--kube-subnet-mgr', `--kubeconfig-file=${kubeconfigOf(v)}`, `--net-config-path=${NET_CONF}`];
  return [
    ...manager,
    `--subnet-file=${SUBNET_ENV}`,
    `--public-ip=${clusterAddress(host)}`,
    // Unset, flanneld takes the default route's interface: with a cluster address of its own, the one holding it.
    ...(v.flannel_iface ? [`--iface=${v.flannel_iface}`] : ownClusterAddress(host) ? [`--iface=${ownClusterAddress(host)}`] : []),
    ...(v.flannel_ip_masq ? ['--ip-masq'] : []),
  ];
}

export const flanneldUnit = (
  v: FlannelVars,
  host: Host,
  etcdEndpoints: readonly string[] = [],
): string => `# Managed by tsplay (role flannel); edits here are overwritten.
[Unit]
Description=flannel overlay network (flanneld, kube subnet manager)
Documentation=https://github.com/flannel-io/flannel
After=network-online.target
Wants=network-online.target

[Service]
# flanneld reports ready (sd_notify) once it has its subnet and wrote ${SUBNET_ENV}.
Type=notify
Environment=${envAssignment('flannel unit Environment', 'NODE_NAME', host.name)}
ExecStart=${continued(execWords('flannel unit ExecStart', [`${v.flannel_bin_dir}/flanneld`, ...flanneldFlags(v, host, etcdEndpoints)]), 2)}
Restart=always
RestartSec=5
StartLimitInterval=0

[Install]
WantedBy=multi-user.target
`;
