/**
 * The health gate: `etcdctl endpoint health --cluster` over TLS from this member. `--cluster` asks the
 * member list for every client URL and checks each with a real quorum read, so it passes only when every
 * member of the etcd group is in the cluster and healthy.
 */
import type { Gate, GateContext } from '../../lib/index.js';
import { certPaths } from './env.js';
import { members, url } from './members.js';
import { binDir } from './unit.js';
import type { EtcdVars } from './vars.js';
import { clusterAddress } from '../cluster/cluster-address.js';

/** The etcdctl command: this member's loopback endpoint, with the health-check client certificate. */
export function healthCommand(v: EtcdVars, address: string): string {
  const p = certPaths(v);
  const loopback = url(address.includes(':') ? '::1' : '127.0.0.1', v.etcd_client_port);
  return `ETCDCTL_API=3 ${binDir(v)}/etcdctl --endpoints=${loopback} --cacert=${p.ca} --cert=${p.checkCert} --key=${p.checkKey} --dial-timeout=3s --command-timeout=5s endpoint health --cluster -w json`;
}

interface Health {
  readonly endpoint?: string;
  readonly health?: boolean;
  readonly error?: string;
}

/** Throws unless the output lists exactly the expected endpoints, all healthy. Pure. */
export function judgeHealth(stdout: string, expected: readonly string[]): void {
  let list: Health[];
  try {
    list = JSON.parse(stdout.trim() || 'null') as Health[];
  } catch {
    throw new Error(`etcdctl printed no JSON: ${stdout.trim().slice(0, 200) || '(nothing)'}`);
  }
  if (!Array.isArray(list)) throw new Error(`etcdctl printed no endpoint list: ${stdout.trim().slice(0, 200)}`);
  const sick = list.filter((e) => e.health !== true).map((e) => `${e.endpoint} (${e.error ?? 'unhealthy'})`);
  if (sick.length) throw new Error(`unhealthy: ${sick.join(', ')}`);
  const seen = new Set(list.map((e) => e.endpoint));
  const missing = expected.filter((u) => !seen.has(u));
  const extra = [...seen].filter((u) => u === undefined || !expected.includes(u));
  if (missing.length || extra.length)
    throw new Error(`members differ from the etcd group: ${[...missing.map((u) => `missing ${u}`), ...extra.map((u) => `unexpected ${u}`)].join(', ')}`);
}

export const healthGate: Gate<EtcdVars> = {
  name: 'etcdctl endpoint health --cluster',
  retries: 15,
  delayMs: 250,
  async check({ exec, vars, host, cluster }: GateContext<EtcdVars>) {
    const r = await exec(healthCommand(vars, clusterAddress(host)), { timeoutMs: 20_000 });
    const expected = members(vars, cluster).map((m) => m.clientUrl);
    if (r.exitCode !== 0 && !r.stdout.trim().startsWith('['))
      throw new Error(`etcdctl exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
    judgeHealth(r.stdout, expected);
  },
};
