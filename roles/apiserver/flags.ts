/**
 * The command-line flags of each control-plane component, as data (name -> value): what the seeds and
 * anchors use (k8s-roles.md §1.4), with the cluster PKI's file names (lib/pki/files.ts) under
 * k8s_config_dir. `*_extra_args` add or replace flags. Rendered sorted, so the unit text is stable.
 */
import type { Cluster, Host } from '../../lib/index.js';
import { hostsOf, topology } from '../cluster/index.js';
import type { ApiserverVars } from './vars.js';
import { clusterAddress } from '../cluster/cluster-address.js';

export type Flags = Readonly<Record<string, string>>;

/** Absolute paths of what the control-plane PKI share puts on the host. */
export function paths(v: ApiserverVars) {
  const dir = v.k8s_config_dir;
  const pki = (f: string) => `${dir}/pki/${f}`;
  return {
    ca: pki('ca.crt'),
    caKey: pki('ca.key'),
    apiserver: [pki('apiserver.crt'), pki('apiserver.key')] as const,
    kubeletClient: [pki('apiserver-kubelet-client.crt'), pki('apiserver-kubelet-client.key')] as const,
    etcdClient: [pki('apiserver-etcd-client.crt'), pki('apiserver-etcd-client.key')] as const,
    frontProxyClient: [pki('front-proxy-client.crt'), pki('front-proxy-client.key')] as const,
    frontProxyCa: pki('front-proxy-ca.crt'),
    etcdCa: pki('etcd/ca.crt'),
    saKey: pki('sa.key'),
    saPub: pki('sa.pub'),
    controllerManagerConf: `${dir}/controller-manager.conf`,
    schedulerConf: `${dir}/scheduler.conf`,
  };
}

/** The address the apiserver binds and advertises: the var, else the host's cluster address. */
export const apiserverAddress = (v: ApiserverVars, host: Host): string => v.apiserver_bind_address || clusterAddress(host);

const url = (host: string, port: number) => `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

export function apiserverFlags(v: ApiserverVars, host: Host, cluster: Cluster): Flags {
  const t = topology(cluster);
  const p = paths(v);
  const etcd = hostsOf(t, 'etcd', 'apiserver').map((h) => url(clusterAddress(h), v.etcd_client_port));
  const address = apiserverAddress(v, host);
  return {
    'advertise-address': address,
    'allow-privileged': 'true',
    'anonymous-auth': String(v.apiserver_anonymous_auth),
    'authorization-mode': v.apiserver_authorization_mode.join(','),
    'bind-address': address,
    'client-ca-file': p.ca,
    ...(v.apiserver_admission_plugins.length ? { 'enable-admission-plugins': v.apiserver_admission_plugins.join(',') } : {}),
    'endpoint-reconciler-type': 'lease',
    'etcd-cafile': p.etcdCa,
    'etcd-certfile': p.etcdClient[0],
    'etcd-keyfile': p.etcdClient[1],
    'etcd-servers': etcd.join(','),
    'kubelet-certificate-authority': p.ca,
    'kubelet-client-certificate': p.kubeletClient[0],
    'kubelet-client-key': p.kubeletClient[1],
    'kubelet-preferred-address-types': 'InternalIP,Hostname,ExternalIP',
    'proxy-client-cert-file': p.frontProxyClient[0],
    'proxy-client-key-file': p.frontProxyClient[1],
    'requestheader-allowed-names': 'front-proxy-client',
    'requestheader-client-ca-file': p.frontProxyCa,
    'requestheader-extra-headers-prefix': 'X-Remote-Extra-',
    'requestheader-group-headers': 'X-Remote-Group',
    'requestheader-username-headers': 'X-Remote-User',
    'secure-port': String(t.apiserverPort),
    'service-account-issuer': v.apiserver_service_account_issuer || `https://kubernetes.default.svc.${t.domain}`,
    'service-account-key-file': p.saPub,
    'service-account-signing-key-file': p.saKey,
    'service-cluster-ip-range': t.serviceCidr,
    'service-node-port-range': v.apiserver_service_node_port_range,
    'tls-cert-file': p.apiserver[0],
    'tls-private-key-file': p.apiserver[1],
    v: String(v.control_plane_log_level),
    ...v.apiserver_extra_args,
  };
}

export function controllerManagerFlags(v: ApiserverVars, cluster: Cluster): Flags {
  const t = topology(cluster);
  const p = paths(v);
  return {
    // flannel's --kube-subnet-mgr takes each node's podCIDR from here.
    'allocate-node-cidrs': 'true',
    'authentication-kubeconfig': p.controllerManagerConf,
    'authorization-kubeconfig': p.controllerManagerConf,
    'bind-address': v.controller_manager_bind_address,
    'client-ca-file': p.ca,
    'cluster-cidr': t.podCidr,
    'cluster-name': t.name,
    'cluster-signing-cert-file': p.ca,
    'cluster-signing-key-file': p.caKey,
    kubeconfig: p.controllerManagerConf,
    'leader-elect': 'true',
    'node-cidr-mask-size': String(v.node_cidr_mask_size),
    'requestheader-client-ca-file': p.frontProxyCa,
    'root-ca-file': p.ca,
    'secure-port': '10257',
    // The dedicated service-account key, never the CA key (a kubeasz trap).
    'service-account-private-key-file': p.saKey,
    'service-cluster-ip-range': t.serviceCidr,
    'use-service-account-credentials': 'true',
    v: String(v.control_plane_log_level),
    ...v.controller_manager_extra_args,
  };
}

/** The client connection and leader election are in the config file (scheduler-config.ts), not flags. */
export function schedulerFlags(v: ApiserverVars, configFile: string): Flags {
  const p = paths(v);
  return {
    'authentication-kubeconfig': p.schedulerConf,
    'authorization-kubeconfig': p.schedulerConf,
    'bind-address': v.scheduler_bind_address,
    config: configFile,
    'secure-port': '10259',
    v: String(v.control_plane_log_level),
    ...v.scheduler_extra_args,
  };
}
