/**
 * The plan file (`tsplay run --check --plan-out`): what a check run saw and would do, per host, per role,
 * per resource, and what it was made from, so that `tsplay apply` can refuse a plan that no longer holds.
 */

export const PLAN_FORMAT = 'tsplay-plan/1';

/** One resource as checked: a digest of its answers, and the actions it would send (none when unchanged). */
export interface ResourcePlan {
  readonly id: string;
  readonly answers: string;
  /** Digest of the actions apply() returned for the changes (sha256 of `[]` when unchanged). */
  readonly actions: string;
  /** The actions themselves; absent for a secret resource, whose plan holds the digest only. */
  readonly list?: readonly unknown[];
  readonly secret?: true;
  /** Earlier would-changes this check read: its answers cannot hold at apply (see replay.ts). */
  readonly dependsOn?: readonly string[];
}

export interface RolePlan {
  readonly role: string;
  readonly resources: readonly ResourcePlan[];
}

export interface HostPlan {
  readonly host: string;
  readonly roles: readonly RolePlan[];
}

/** What the plan was made from: apply re-runs the same, and refuses when any digest differs. */
export interface PlanSource {
  readonly tsplay: string;
  readonly playbook: { readonly path: string; readonly digest: string };
  readonly inventory: { readonly path: string; readonly digest: string };
  /** Digest of the -e vars (they may hold secrets: only the digest is kept). */
  readonly vars: string;
  /** Digest of every host's compiled resource ids, in order: the roles' sources as they compiled. */
  readonly resources: string;
  /** How the check run was started, for `tsplay apply PLAN` (absent in plans made before it existed). */
  readonly run?: PlanRun;
}

/**
 * The check run's command line, without secrets: absolute paths and the options that chose what it planned.
 * -e values may be secrets and are kept as a digest only (`vars`): apply takes the same -e again.
 */
export interface PlanRun {
  readonly playbook: string;
  readonly inventory: string;
  readonly limit?: string;
  readonly tags?: readonly string[];
  readonly skipTags?: readonly string[];
  readonly startAt?: string;
  readonly user?: string;
  readonly privateKey?: string;
  readonly askBecomePass?: boolean;
  /** Whether the check run had -e vars (their digest is `vars`). */
  readonly extraVars: boolean;
}

export interface PlanFile {
  readonly format: typeof PLAN_FORMAT;
  readonly source: PlanSource;
  readonly hosts: readonly HostPlan[];
}
