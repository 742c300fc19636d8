/**
 * The membership gate of an add or a remove: `endpoint health --cluster` from a member that should be in
 * it reports exactly the expected members, all healthy (the etcd role's judgeHealth). Hosts for which
 * the play has nothing to check (no expected membership) pass at once.
 */
import type { Cluster, Gate, Host } from '../../lib/index.js';
import { healthCommand, judgeHealth } from '../etcd/gate.js';
import type { Member } from '../etcd/members.js';
import type { EtcdMemberVars } from './vars.js';
import { clusterAddress } from '../cluster/cluster-address.js';

/** `expect` says, for a host of the play, which members the cluster must have then (undefined: none to check from here). */
export function membershipGate(name: string, expect: (v: EtcdMemberVars, host: Host, cluster: Cluster) => readonly Member[] | undefined): Gate<EtcdMemberVars> {
  return {
    name,
    retries: 15,
    delayMs: 250,
    async check({ exec, vars, host, cluster }) {
      const want = expect(vars, host, cluster);
      if (!want) return;
      const r = await exec(healthCommand(vars, clusterAddress(host)), { timeoutMs: 20_000 });
      if (r.exitCode !== 0 && !r.stdout.trim().startsWith('['))
        throw new Error(`etcdctl exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
      judgeHealth(
        r.stdout,
        want.map((m) => m.clientUrl),
      );
    },
  };
}
