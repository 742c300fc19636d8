/**
 * What the runner tells the world: a discriminated union of events. The runner never prints; reporters
 * (console, JSON lines) consume these. Secret resources arrive here already stripped of content.
 */
import type { Change } from '../core/resource.js';

export type Mode = 'check' | 'apply';

export type ResourceStatus = 'ok' | 'changed' | 'would-change' | 'failed' | 'skipped';

export interface HostStats {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  unreachable: boolean;
  roundTrips: number;
  /** Milliseconds per role name on this host. */
  roleMs: Record<string, number>;
}

export interface RunStats {
  readonly hosts: Readonly<Record<string, HostStats>>;
  readonly ms: number;
  /** Process start to run start, when the CLI measured it. */
  readonly startupMs?: number;
  /** Hosts a stopped run never started on (the batches and plays after the one that stopped it). */
  readonly untouched?: readonly string[];
}

export type RunEvent =
  | {
      readonly kind: 'run-start';
      readonly playbook: string;
      readonly mode: Mode;
      readonly diff: boolean;
      readonly hosts: readonly string[];
      readonly startupMs?: number;
    }
  /** Controller-side work before hosts are touched (certificates issued, artifacts fetched). */
  | { readonly kind: 'controller'; readonly step: string; readonly text: string }
  | { readonly kind: 'play-start'; readonly play: string; readonly hosts: readonly string[] }
  | { readonly kind: 'role-start'; readonly play: string; readonly role: string; readonly hosts: readonly string[] }
  | {
      readonly kind: 'resource';
      readonly host: string;
      readonly role: string;
      readonly resource: string;
      readonly status: ResourceStatus;
      readonly changes: readonly Change[];
      /** Check mode: ids of earlier would-changes this one's outcome depends on. */
      readonly dependsOn?: readonly string[];
      readonly secret?: boolean;
      readonly error?: string;
      /** The role ran delegated on this other host (RoleUse.delegateTo); `host` is the converged one. */
      readonly on?: string;
    }
  | {
      readonly kind: 'handler';
      readonly host: string;
      readonly role: string;
      readonly handler: string;
      readonly status: 'changed' | 'would-change' | 'failed';
      readonly error?: string;
      readonly on?: string;
    }
  | {
      readonly kind: 'gate';
      readonly host: string;
      readonly role: string;
      readonly gate: string;
      readonly status: 'ok' | 'retry' | 'failed' | 'skipped';
      readonly attempt: number;
      readonly error?: string;
      readonly on?: string;
    }
  /** A cluster-wide gate (Play.gates) after the batch `hosts`. */
  | {
      readonly kind: 'cluster-gate';
      readonly play: string;
      readonly gate: string;
      readonly hosts: readonly string[];
      readonly status: 'ok' | 'retry' | 'failed' | 'skipped';
      readonly attempt: number;
      readonly error?: string;
    }
  | {
      readonly kind: 'role-end';
      readonly host: string;
      readonly role: string;
      readonly ms: number;
      readonly roundTrips: number;
      readonly changed: number;
      readonly on?: string;
    }
  | { readonly kind: 'host-failed'; readonly host: string; readonly error: string }
  | { readonly kind: 'unreachable'; readonly host: string; readonly error: string }
  /** `untouched`: hosts of the run that no batch reached when the play stopped (later batches, later plays). */
  | { readonly kind: 'play-aborted'; readonly play: string; readonly reason: string; readonly untouched?: readonly string[] }
  | { readonly kind: 'run-end'; readonly mode: Mode; readonly stats: RunStats };

export interface Reporter {
  emit(event: RunEvent): void;
  /** Flush and stop live output. */
  close?(): void;
}
