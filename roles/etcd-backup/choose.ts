/**
 * Which member is snapshotted: the first member, in inventory order, that the cluster reports healthy
 * (`etcdctl endpoint health --cluster` from each member). Every member asks and comes to the same answer,
 * so exactly one takes the snapshot and no member has to be reachable for the others to decide. Pure.
 */
import type { Member } from '../etcd/members.js';

interface Health {
  readonly endpoint?: string;
  readonly health?: boolean;
  readonly error?: string;
}

/** The endpoints' health as etcdctl printed it; throws, saying what it saw, when there is no list. */
export function parseHealth(stdout: string): Health[] {
  let list: unknown;
  try {
    list = JSON.parse(stdout.trim() || 'null');
  } catch {
    throw new Error(`etcdctl printed no JSON: ${stdout.trim().slice(0, 200) || '(nothing)'}`);
  }
  if (!Array.isArray(list)) throw new Error(`etcdctl printed no endpoint list: ${stdout.trim().slice(0, 200) || '(nothing)'}`);
  return list as Health[];
}

/** The member to snapshot, or undefined when none is healthy. */
export function chooseMember(all: readonly Member[], health: readonly Health[]): Member | undefined {
  const ok = new Set(health.filter((e) => e.health === true).map((e) => e.endpoint));
  return all.find((m) => ok.has(m.clientUrl));
}
