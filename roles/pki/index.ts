/**
 * The pki "role": the PKI is made on the controller, not on a host, so instead of a defineRole this
 * module turns the inventory into a PkiSpec (etcd, control-plane and node groups, the load-balancer VIP,
 * cluster vars) for the certificate catalogue's (./catalogue) ensurePki and pkiFilesFor. Host roles then push their files.
 *
 * Vars read (global, or on the lb group for vip): cluster_name, cluster_domain, service_cidr, vip,
 * api_endpoint, apiserver_extra_sans, pki_key_type, pki_ca_validity_days, pki_cert_validity_days,
 * pki_renew_before_days, pki_expiry_warn_days, cluster_groups (roles/cluster/groups.ts).
 */
import type { Cluster, Host } from '../../lib/index.js';
import type { PkiMember, PkiSpec } from './catalogue/index.js';
import { topology, topologyOf } from '../cluster/topology.js';
import { clusterAddress } from '../cluster/cluster-address.js';

export function pkiSpecFromCluster(cluster: Cluster, vars: Readonly<Record<string, unknown>> = cluster.vars): PkiSpec {
  const t = vars === cluster.vars ? topology(cluster) : topologyOf(cluster, vars);
  const members = (hosts: readonly Host[]): PkiMember[] => hosts.map((h) => ({ name: h.name, address: clusterAddress(h) }));
  const s = t.settings;
  return {
    clusterName: t.name,
    clusterDomain: t.domain,
    serviceCidr: t.serviceCidr,
    apiserverEndpoint: t.apiEndpoint,
    controlPlane: members(t.hosts.controlPlane),
    etcd: members(t.hosts.etcd),
    nodes: members(t.hosts.nodes),
    apiserverExtraSans: s.apiserver_extra_sans ?? [],
    flannelEtcdClient: t.podNetwork.flannel_subnet_manager === 'etcd',
    ...defined({
      vip: t.vip,
      keyType: s.pki_key_type,
      caValidityDays: s.pki_ca_validity_days,
      certValidityDays: s.pki_cert_validity_days,
      renewBeforeDays: s.pki_renew_before_days,
      expiryWarnDays: s.pki_expiry_warn_days,
    }),
  };
}

function defined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}
