/**
 * etcd's upgrade policy, pure (https://etcd.io/docs/v3.6/upgrades/upgrading-etcd/): a patch upgrade
 * within a minor, or one minor at a time ("upgrades that skip a minor version are not supported and will
 * likely fail"), on a healthy cluster, one member at a time (stop, replace, start; the cluster runs the
 * lowest common version until every member is on the new one). So every member must already be on the
 * target's minor or the one before it: a cluster still partly on an older minor finishes that one first.
 * No downgrade, no major change.
 */
import { showVersion, type Version } from './version.js';

export interface MemberVersion {
  readonly name: string;
  /** What the running member reports (endpoint status), undefined when it does not answer. */
  readonly version: Version | undefined;
}

/** Why the cluster may not go to `target`, one line per member (or kind of refusal); [] when it may. */
export function etcdRefusals(members: readonly MemberVersion[], target: Version): string[] {
  const to = showVersion(target);
  const why: string[] = [];
  for (const m of members) {
    const v = m.version;
    if (!v) {
      why.push(`${m.name} does not report its version (not running, or not healthy): etcd upgrades a healthy cluster only`);
      continue;
    }
    const from = showVersion(v);
    if (v.major !== target.major) why.push(`${m.name} runs etcd ${from}: ${to} changes the major version`);
    else if (v.minor > target.minor || (v.minor === target.minor && v.patch > target.patch))
      why.push(`${m.name} runs etcd ${from}, newer than ${to}: a downgrade is not an upgrade`);
    else if (target.minor - v.minor > 1)
      why.push(
        `${m.name} runs etcd ${from}: ${to} skips ${target.minor - v.minor - 1} minor version(s); etcd upgrades one minor at a time, every member on ${target.major}.${target.minor - 1}.x first`,
      );
  }
  return why;
}
