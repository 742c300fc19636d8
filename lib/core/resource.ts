/**
 * A resource: one piece of desired state. `check` is pure over the answers to its queries (gathered for
 * the whole role in one round trip) and never changes the host; `apply` says, as data, what to do.
 */
import type { ArtifactMirror } from './artifact-mirror.js';
import type { Action, HostFacts, TypedQuery } from './ops.js';

/**
 * One difference between the host and the wanted state. The reporter shows `diff` as a unified diff and
 * `before → after` otherwise; for secret resources the runner keeps only `field`.
 */
/**
 * One thing a resource would change. `field` and `part` are what apply reads; the reports show them as one
 * label (changeLabel): `part field`, or `field` alone.
 */
export interface Change {
  /** What changes: `content`, `mode`, `sha256`, `value`, `enabled`. */
  readonly field: string;
  /** Which part of a resource that manages several: a path of an artifact, a repository's `key` or `source`. */
  readonly part?: string;
  readonly before?: string;
  readonly after?: string;
  readonly diff?: { readonly before: string; readonly after: string };
}

/** How reports name a change. */
export const changeLabel = (c: Change): string => (c.part === undefined ? c.field : `${c.part} ${c.field}`);

export interface Resource<A extends readonly unknown[] = readonly unknown[]> {
  /** `kind:name`, unique within a role: `file:/etc/motd`, `service:etcd`. */
  readonly id: string;
  readonly tags?: readonly string[];
  /** Content is secret: report that it changes, never what it is. */
  readonly secret?: boolean;
  /** Handler names of the role to run (once, after the role) when this resource changed. */
  readonly notify?: readonly string[];
  /** State keys this resource's check depends on (`path:/etc/x`, `unit:etcd.service`, `pkg:etcd`)... */
  readonly reads?: readonly string[];
  /** ...and the keys its apply changes; check mode marks a change that reads what an earlier change writes. */
  readonly writes?: readonly string[];
  readonly queries: { readonly [K in keyof A]: TypedQuery<A[K]> };
  /** Pure: what differs. [] means converged. */
  check(answers: A, facts: HostFacts): readonly Change[];
  /** Pure: the actions that converge the host, given what check found. */
  apply(answers: A, facts: HostFacts, changes: readonly Change[]): readonly Action[];
  /** Controller-side work before any host is touched (fetch + verify an artifact, issue certificates). */
  prepare?(ctx: PrepareContext): Promise<void>;
}

// Resources are built per kind with precise answer types and then held in lists: erase the type there.
// biome-ignore lint/suspicious/noExplicitAny: the erased answer type of a list of resources of every kind
export type AnyResource = Resource<any>;

/** What controller-side preparation knows of the run. */
export interface PrepareContext {
  /** In check mode nothing may change, on hosts or on the controller (a download to the cache is no change). */
  readonly mode: 'check' | 'apply';
  /** Report controller-side work (`step` names it: "pki", "artifacts") in the run's output. */
  note(step: string, text: string): void;
  /** Where the host this resource is built for fetches artifacts itself (artifact_mirror, --artifact-mirror); absent: SSH uploads. */
  readonly mirror?: ArtifactMirror;
}

/** The note step for a warning the operator must see (certificates near expiry): the recap repeats it. */
export const WARNING_STEP = 'warning';

/** Identity helper that infers the answer tuple from `queries`. */
export function defineResource<A extends readonly unknown[]>(r: Resource<A>): Resource<A> {
  return r;
}

/** A handler: actions run once after the role when a resource notified it. */
export type Handler = readonly Action[];
