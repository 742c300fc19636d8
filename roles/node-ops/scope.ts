/**
 * A cluster role, scoped to one node or control-plane operation (roles/node-ops/target.ts): the role gets
 * the operation's var (`-e node_add=HOST`, `-e control_plane_add=HOST[,HOST]`), the targets are checked
 * before any host is touched, and each host builds only its part:
 *
 * - on the target: the whole role (`target: 'all'`), or nothing (`'none'`: the others' side of a removal);
 * - elsewhere: only the resources `elsewhere` keeps (the /etc/hosts block, the firewalld zones: what names
 *   the other hosts), or the whole role (`'all'`: the apiserver certificate, the haproxy backends), or nothing.
 * - a removal builds everything, gates included, with the cluster as it is without the target
 *   (withoutHost), so the others' files leave it out and the PKI is issued without it.
 */
import { z, type ZodType } from 'zod';
import type { AnyResource, Cluster, Gate, Host, Role } from '../../lib/index.js';
import { OPS, targetNames, targetsOf, withoutHost, type Op } from './target.js';

export interface ScopeOptions {
  /** What the target host builds. */
  readonly target: 'all' | 'none';
  /** What every other host builds: all of the role, none, or the resources this keeps. */
  readonly elsewhere: 'all' | 'none' | ((r: AnyResource) => boolean);
}

type OpVars = Readonly<Record<string, string>>;

/** `role` for operation `op`: same name, tags, handlers, gates and rolling; the op's var added. */
export function scoped<V extends object>(role: Role<V>, op: Op, o: ScopeOptions): Role<V> {
  const key = OPS[op].var;
  const adds = OPS[op].adds;
  const value = (v: V): string => String((v as unknown as OpVars)[key] ?? '');
  const view = (v: V, cluster: Cluster): Cluster => (adds ? cluster : withoutHost(cluster, targetNames(op, value(v))));
  const isTarget = (v: V, host: Host) => targetNames(op, value(v)).includes(host.name);
  const builds = (v: V, host: Host) => (isTarget(v, host) ? o.target === 'all' : o.elsewhere !== 'none');
  const verify = role.verify?.map(
    (g): Gate<V> => ({
      ...g,
      check: async (ctx) => (builds(ctx.vars, ctx.host) ? g.check({ ...ctx, cluster: view(ctx.vars, ctx.cluster) }) : undefined),
    }),
  );
  return {
    ...role,
    defaults: { ...role.defaults, [key]: '' } as V,
    schema: withVar(role.schema, key),
    resources(v, host, cluster) {
      targetsOf(op, value(v), cluster);
      if (!builds(v, host)) return [];
      const all = role.resources(v, host, view(v, cluster));
      const keep = isTarget(v, host) || typeof o.elsewhere !== 'function' ? undefined : o.elsewhere;
      return keep ? all.filter(keep) : all;
    },
    ...(role.handlers ? { handlers: (v: V, host: Host, cluster: Cluster) => role.handlers!(v, host, view(v, cluster)) } : {}),
    ...(verify ? { verify } : {}),
  };
}

/** The role's own schema for its vars, host names (comma-separated) for the op's var. */
export function withVar<V extends object>(inner: ZodType<V> | undefined, key: string): ZodType<V> {
  const mine = z.string().regex(/^[A-Za-z0-9._-]*(,[A-Za-z0-9._-]+)*$/, 'expected an inventory host name, or several separated by commas');
  return z.unknown().transform((value, ctx) => {
    const { [key]: name, ...rest } = value as Record<string, unknown>;
    const m = mine.safeParse(name);
    const theirs = inner ? inner.safeParse(rest) : { success: true as const, data: rest as V };
    if (!m.success) for (const i of m.error.issues) ctx.addIssue({ code: 'custom', path: [key], message: i.message });
    if (!theirs.success) for (const i of theirs.error.issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
    if (!m.success || !theirs.success) return z.NEVER;
    return { ...(theirs.data as object), [key]: m.data } as V;
  }) as unknown as ZodType<V>;
}

/** What names the other hosts, kept on them when a host comes or goes: the /etc/hosts block, the firewalld zones. */
export const namesHosts = (r: AnyResource): boolean => r.id === 'hosts:/etc/hosts' || r.id.includes('/etc/firewalld/zones/');
