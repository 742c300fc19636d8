/**
 * The etcd side of the rolling upgrade (playbooks/upgrade.ts). The target is the etcd role's own release
 * row, etcd_release (version, url, sha256), with etcd_install 'release'; a package install has no declared
 * version to go to, and the upgrade leaves etcd as it is (the etcd role then changes nothing).
 *
 * - upgrade-etcd-plan (read-only, before any host is touched, on the first member): `endpoint status
 *   --cluster` says what every member runs; a skipped minor, a downgrade, a member that does not answer
 *   is refused (etcd-version.ts);
 * - the etcd role on one member at a time (serial 1) with its health gate, plus the version gate: this
 *   member's endpoint reports the target.
 */
import { defineResource, defineRole, q, type AnyResource, type Gate, type Role } from '../../lib/index.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import etcd, { defaults as etcdDefaults, schema as etcdSchema, type EtcdVars } from '../etcd/index.js';
import { certPaths } from '../etcd/env.js';
import { members, url, type Member } from '../etcd/members.js';
import { binDir } from '../etcd/unit.js';
import { etcdRefusals, type MemberVersion } from './etcd-version.js';
import { parseVersion, showVersion, type Version } from './version.js';
import { clusterAddress } from '../cluster/cluster-address.js';

/** The version the upgrade takes etcd to, or undefined (a package install: the distro's). */
export const etcdTarget = (v: EtcdVars): Version | undefined => (v.etcd_install === 'release' ? parseVersion(v.etcd_release.version) : undefined);

/**
 * `endpoint status` as JSON, from this member, with whichever etcdctl is there: the target's bin dir
 * has none yet while the cluster still runs the package's.
 */
export function statusCommand(v: EtcdVars, address: string, o: { readonly cluster: boolean }): string {
  const p = certPaths(v);
  const loopback = url(address.includes(':') ? '::1' : '127.0.0.1', v.etcd_client_port);
  const bins = [...new Set([`${binDir(v)}/etcdctl`, '/usr/bin/etcdctl', '/usr/local/bin/etcdctl'])].join(' ');
  return `for b in ${bins}; do [ -x "$b" ] && break; done; ETCDCTL_API=3 "$b" --endpoints=${loopback} --cacert=${p.ca} --cert=${p.checkCert} --key=${p.checkKey} --dial-timeout=3s --command-timeout=5s endpoint status${o.cluster ? ' --cluster' : ''} -w json`;
}

interface Status {
  readonly Endpoint?: string;
  readonly Status?: { readonly version?: string };
}

/** Each inventory member with the version its endpoint reports (undefined: not in the answer). Pure. */
export function versionsOf(all: readonly Member[], stdout: string): MemberVersion[] {
  let list: Status[];
  try {
    list = JSON.parse(stdout.trim() || '[]') as Status[];
  } catch {
    throw new Error(`etcdctl endpoint status printed no JSON: ${stdout.trim().slice(0, 200)}`);
  }
  return all.map((m) => {
    const s = list.find((x) => x.Endpoint === m.clientUrl);
    return { name: m.name, version: s?.Status?.version ? parseVersion(s.Status.version) : undefined };
  });
}

export function etcdPlanResource(v: EtcdVars, me: Member, all: readonly Member[], target: Version): AnyResource {
  return defineResource({
    id: `upgrade-etcd-plan:${showVersion(target)}`,
    reads: [],
    writes: [],
    queries: [q.command(statusCommand(v, me.address, { cluster: true }))],
    check([r]) {
      // A member that does not answer leaves its line out; etcdctl then exits non-zero with the others' JSON.
      if (r.exitCode !== 0 && !r.stdout.trim().startsWith('['))
        throw new Error(`etcdctl endpoint status --cluster on ${me.name} failed (exit ${r.exitCode}): ${r.stdout.trim().slice(-300) || 'is etcd running?'}`);
      const seen = versionsOf(all, r.stdout);
      const why = etcdRefusals(seen, target);
      if (why.length) throw new Error(`etcd upgrade to ${showVersion(target)} refused: ${why.join('; ')}`);
      return [];
    },
    apply: () => [],
  });
}

/** Read-only, on the first member: may the cluster go to the target? Nothing for a package install. */
export const upgradeEtcdPlan: Role<EtcdVars> = defineRole<EtcdVars>({
  name: 'upgrade-etcd-plan',
  tags: ['upgrade'],
  defaults: etcdDefaults,
  sharedVars: CLUSTER_VARS,
  schema: etcdSchema,
  resources(v, host, cluster) {
    const target = etcdTarget(v);
    const all = members(v, cluster);
    return target && all[0]?.name === host.name ? [etcdPlanResource(v, all[0], all, target)] : [];
  },
});

/** The member's own endpoint reports the target (after its restart). */
export const etcdVersionGate: Gate<EtcdVars> = {
  name: 'upgraded: the etcd member runs the target version',
  retries: 15,
  delayMs: 250,
  async check({ exec, vars, host }) {
    const target = etcdTarget(vars);
    if (!target) return;
    const r = await exec(statusCommand(vars, clusterAddress(host), { cluster: false }), { timeoutMs: 15_000 });
    const seen = (JSON.parse(r.stdout.trim() || '[]') as Status[])[0]?.Status?.version;
    if (r.exitCode !== 0 || !seen)
      throw new Error(`etcdctl endpoint status on ${host.name} failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().slice(-200)}`);
    if (seen !== showVersion(target)) throw new Error(`${host.name} runs etcd ${seen}, not ${showVersion(target)}`);
  },
};

/** The etcd role with the version gate after its own health gate: for the upgrade's one-member-at-a-time play. */
export const upgradingEtcd: Role<EtcdVars> = { ...etcd, verify: [...(etcd.verify ?? []), etcdVersionGate] };
