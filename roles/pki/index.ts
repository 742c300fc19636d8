/**
 * The pki "role": the PKI is made on the controller, not on a host, so instead of a defineRole this
 * module turns the inventory into a PkiSpec (etcd, control-plane and node groups, the load-balancer VIP,
 * cluster vars) for lib/pki's ensurePki and pkiFilesFor. Host roles then push their files.
 *
 * Vars read (global, or on the lb group for vip): cluster_name, cluster_domain, service_cidr, vip,
 * api_endpoint, apiserver_extra_sans, pki_key_type, pki_ca_validity_days, pki_cert_validity_days,
 * pki_renew_before_days, pki_expiry_warn_days, cluster_groups (roles/cluster/groups.ts).
 */
import { ConfigError, type Cluster, type Host } from '../../lib/index.js';
import type { KeyType, PkiMember, PkiSpec } from '../../lib/pki/index.js';
import { topology, topologyOf } from '../cluster/topology.js';

export function pkiSpecFromCluster(cluster: Cluster, vars: Readonly<Record<string, unknown>> = cluster.vars): PkiSpec {
  const t = vars === cluster.vars ? topology(cluster) : topologyOf(cluster, vars);
  const members = (hosts: readonly Host[]): PkiMember[] => hosts.map((h) => ({ name: h.name, address: h.address }));
  const keyType = optString(vars, 'pki_key_type');
  if (keyType !== undefined && keyType !== 'ecdsa' && keyType !== 'rsa') throw new ConfigError(`"${keyType}" is not ecdsa or rsa`, 'vars.pki_key_type');
  return {
    clusterName: t.name,
    clusterDomain: t.domain,
    serviceCidr: t.serviceCidr,
    apiserverEndpoint: t.apiEndpoint,
    controlPlane: members(t.hosts.controlPlane),
    etcd: members(t.hosts.etcd),
    nodes: members(t.hosts.nodes),
    apiserverExtraSans: optStrings(vars, 'apiserver_extra_sans') ?? [],
    flannelEtcdClient: t.podNetwork.flannel_subnet_manager === 'etcd',
    ...defined({
      vip: t.vip,
      keyType: keyType as KeyType | undefined,
      caValidityDays: optNumber(vars, 'pki_ca_validity_days'),
      certValidityDays: optNumber(vars, 'pki_cert_validity_days'),
      renewBeforeDays: optNumber(vars, 'pki_renew_before_days'),
      expiryWarnDays: optNumber(vars, 'pki_expiry_warn_days'),
    }),
  };
}

function optString(vars: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const v = vars[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ConfigError(`expected a string, got ${JSON.stringify(v)}`, `vars.${name}`);
  return v;
}

function optNumber(vars: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const v = vars[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number') throw new ConfigError(`expected a number, got ${JSON.stringify(v)}`, `vars.${name}`);
  return v;
}

function optStrings(vars: Readonly<Record<string, unknown>>, name: string): string[] | undefined {
  const v = vars[name];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new ConfigError(`expected a list of strings`, `vars.${name}`);
  return v;
}

function defined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}
