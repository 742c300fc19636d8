/**
 * What the cluster is (etcdctl member list and endpoint health, as a member sees them) and what an add or
 * a remove may do to it: the member that runs the command, the initial cluster a new member starts with,
 * and the refusals (a member outside the etcd group, an unhealthy member before an add, a removal that
 * leaves fewer healthy members than a quorum at any step). Pure.
 */
import type { Member } from '../etcd/members.js';

export interface ClusterMember {
  /** Hex, as `member remove` takes it. */
  readonly id: string;
  readonly started: boolean;
  /** '' while unstarted (etcd learns the name when the member first starts). */
  readonly name: string;
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
}

/** `etcdctl member list -w simple`: `ID, status, name, peer URLs, client URLs[, is learner]` per line. */
export function parseMemberList(stdout: string): ClusterMember[] {
  const lines = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (!lines.length) throw new Error('etcdctl member list printed nothing');
  return lines.map((l) => {
    const f = l.split(', ');
    if (f.length < 5 || !/^[0-9a-f]+$/.test(f[0]!) || (f[1] !== 'started' && f[1] !== 'unstarted'))
      throw new Error(`etcdctl member list printed an unexpected line: ${l.slice(0, 200)}`);
    const urls = (s: string) => s.split(',').filter(Boolean);
    return { id: f[0]!, started: f[1] === 'started', name: f[2]!, peerUrls: urls(f[3]!), clientUrls: urls(f[4]!) };
  });
}

interface Health {
  readonly endpoint?: string;
  readonly health?: boolean;
}

/** The client URLs `endpoint health --cluster -w json` reports healthy. */
export function healthyUrls(health: readonly Health[]): Set<string> {
  return new Set(health.filter((e) => e.health === true && e.endpoint).map((e) => e.endpoint!));
}

export const quorum = (n: number): number => Math.floor(n / 2) + 1;

/** The cluster member that is this inventory member: by name once started, by peer URL before. */
export const find = (list: readonly ClusterMember[], m: Pick<Member, 'name'> & Partial<Pick<Member, 'peerUrl'>>): ClusterMember | undefined =>
  list.find((c) => (c.started ? c.name === m.name : m.peerUrl !== undefined && c.peerUrls.includes(m.peerUrl)));

const isHealthy = (c: ClusterMember, ok: ReadonlySet<string>) => c.started && c.clientUrls.some((u) => ok.has(u));
const label = (c: ClusterMember) => (c.name ? c.name : `unstarted ${c.id} (${c.peerUrls.join(',')})`);

export interface Seen {
  readonly list: readonly ClusterMember[];
  readonly healthy: ReadonlySet<string>;
}

export interface AddQuestion {
  readonly seen: Seen;
  /** The etcd group (inventory order), the members before the run, and the added ones before this one. */
  readonly group: readonly Member[];
  readonly base: readonly Member[];
  readonly earlier: readonly Member[];
  readonly target: Member;
  /** Check mode: earlier additions and removals of this run have not happened. */
  readonly check: boolean;
  /** Member names this run removes before adding (replace). */
  readonly removedEarlier: readonly string[];
}

export type AddAnswer =
  | { readonly kind: 'member'; readonly id: string }
  | { readonly kind: 'unstarted'; readonly id: string }
  | { readonly kind: 'add'; readonly from: Member; readonly cluster: readonly Member[] };

/** The initial cluster a new member starts with: the members before it and itself, in inventory order. */
export const joinCluster = (group: readonly Member[], base: readonly Member[], earlier: readonly Member[], target: Member): Member[] =>
  group.filter((m) => [...base, ...earlier, target].some((x) => x.name === m.name));

/** Whether `target` is added, and from which member; throws saying why when it must not be. */
export function judgeAdd(a: AddQuestion): AddAnswer {
  const { list, healthy } = a.seen;
  const pendingRemoval = (c: ClusterMember) => a.check && a.removedEarlier.includes(c.name);
  const strangers = list.filter((c) => !pendingRemoval(c) && !a.group.some((m) => (c.started ? c.name === m.name : c.peerUrls.includes(m.peerUrl))));
  if (strangers.length) {
    throw new Error(
      `${strangers.map(label).join(', ')} ${strangers.length > 1 ? 'are members' : 'is a member'} of the cluster but not in the etcd group: remove ${strangers.length > 1 ? 'them' : 'it'} first (etcd-member-remove.ts; a dead member: etcd-member-replace.ts)`,
    );
  }
  const mine = find(list, a.target);
  if (mine?.started) return { kind: 'member', id: mine.id };
  const missing = [...a.base, ...a.earlier].filter((m) => !find(list, m) && !(a.check && a.earlier.includes(m)));
  if (missing.length)
    throw new Error(
      `${missing.map((m) => m.name).join(', ')} ${missing.length > 1 ? 'are' : 'is'} in the etcd group but not a member of the cluster: name ${missing.length > 1 ? 'them' : 'it'} in etcd_member too`,
    );
  const others = list.filter((c) => c !== mine && !pendingRemoval(c));
  const unstarted = others.filter((c) => !c.started);
  if (unstarted.length)
    throw new Error(
      `${unstarted.map(label).join(', ')} ${unstarted.length > 1 ? 'were' : 'was'} added but never started: one member at a time joins (start it, or remove it, first)`,
    );
  const sick = others.filter((c) => !isHealthy(c, healthy));
  if (sick.length)
    throw new Error(
      `every member must be healthy before one is added, ${sick.map((c) => `${label(c)} (${c.clientUrls.join(',')})`).join(', ')} ${sick.length > 1 ? 'are' : 'is'} not: replace a dead member first (etcd-member-replace.ts)`,
    );
  if (mine) return { kind: 'unstarted', id: mine.id };
  return { kind: 'add', from: a.base[0]!, cluster: joinCluster(a.group, a.base, a.earlier, a.target) };
}

export interface RemoveQuestion {
  readonly seen: Seen;
  /** The members that stay (inventory order), and the names removed, in the order given. */
  readonly staying: readonly Member[];
  readonly removing: readonly (Pick<Member, 'name'> & Partial<Pick<Member, 'peerUrl'>>)[];
}

export interface RemoveAnswer {
  /** The staying member that runs `member remove`: the first healthy one. */
  readonly from: Member;
  /** Unhealthy ones first (removing them never lowers the count of healthy members), then as given. */
  readonly remove: readonly { readonly name: string; readonly id: string }[];
  /** Named but not in the cluster: already removed. */
  readonly gone: readonly string[];
}

/** The removals, in a safe order, or why not: every step must keep a quorum of healthy members. */
export function judgeRemove(r: RemoveQuestion): RemoveAnswer {
  const { list, healthy } = r.seen;
  const missing = r.staying.filter((m) => !find(list, m));
  if (missing.length)
    throw new Error(
      `${missing.map((m) => m.name).join(', ')} ${missing.length > 1 ? 'are' : 'is'} in the etcd group but not a member of the cluster: add ${missing.length > 1 ? 'them' : 'it'} (etcd-member-add.ts) before removing others`,
    );
  const found = r.removing.map((m) => ({ name: m.name, c: find(list, m) }));
  const gone = found.filter((f) => !f.c).map((f) => f.name);
  const present = found.filter((f): f is { name: string; c: ClusterMember } => !!f.c);
  const ordered = [...present.filter((f) => !isHealthy(f.c, healthy)), ...present.filter((f) => isHealthy(f.c, healthy))];
  if (!ordered.length) return { from: r.staying[0]!, remove: [], gone };
  let left = [...list];
  for (const f of ordered) {
    const up = left.filter((c) => isHealthy(c, healthy));
    if (up.length < quorum(left.length))
      throw new Error(
        `the cluster has no quorum: ${up.length} of ${left.length} members healthy, a quorum is ${quorum(left.length)}; member remove cannot commit (restore from a backup: etcd-restore.ts)`,
      );
    left = left.filter((c) => c !== f.c);
    const after = left.filter((c) => isHealthy(c, healthy));
    if (after.length < quorum(left.length)) {
      throw new Error(
        `removing ${f.name} would leave ${left.length} members of which ${after.length} ${after.length === 1 ? 'is' : 'are'} healthy (${after.map(label).join(', ') || 'none'}), fewer than a quorum of ${quorum(left.length)}: refusing; bring the unhealthy members back (or replace them) first`,
      );
    }
  }
  const from = r.staying.find((m) => {
    const c = find(list, m);
    return !!c && isHealthy(c, healthy);
  });
  if (!from) throw new Error(`no staying member is healthy (${r.staying.map((m) => m.name).join(', ')}): nothing can run member remove`);
  return { from, remove: ordered.map((f) => ({ name: f.name, id: f.c.id })), gone };
}
