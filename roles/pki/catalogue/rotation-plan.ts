/**
 * The etcd CA rotation as a state machine over the pki directory, so that a step out of order is refused
 * before any host is touched. Three steps, each a full run with rolling restarts:
 *
 *   bundle   a new CA is made (etcd/ca-next.*); hosts trust both (their etcd/ca.crt = old + new)
 *   reissue  the new CA becomes etcd/ca.* (the old one is kept as etcd/ca-previous.*); every leaf it
 *            signs is re-issued; hosts still trust both, so members on either side talk to each other
 *   drop     hosts trust the new CA only
 *
 * The phase is read from which files exist, never from a separate record that could disagree. Asking for
 * the step the directory is already at re-pushes (a rollout stopped halfway is finished that way). Pure.
 */
import { ConfigError } from '../../../lib/index.js';

export const ROTATION_STEPS = ['bundle', 'reissue', 'drop'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

/** idle: never rotated; bundled/reissued: in the middle; dropped: done (ca-previous.* kept aside). */
export type RotationPhase = 'idle' | 'bundled' | 'reissued' | 'dropped';

export interface RotationFiles {
  readonly current: boolean;
  readonly next: boolean;
  readonly trust: boolean;
  readonly previous: boolean;
}

export function phaseOf(f: RotationFiles, where: string): RotationPhase {
  if (!f.current) throw new ConfigError('there is no etcd CA to rotate (etcd/ca.crt is missing): converge the cluster first', where);
  if (f.trust) return f.next ? 'bundled' : 'reissued';
  if (f.next)
    throw new ConfigError(
      'etcd/ca-next.crt is there without etcd/ca-trust.crt: a bundle step was interrupted; remove etcd/ca-next.* and run the bundle step again',
      where,
    );
  return f.previous ? 'dropped' : 'idle';
}

/** What the phase becomes after each step. */
const AFTER: Record<RotationStep, RotationPhase> = { bundle: 'bundled', reissue: 'reissued', drop: 'dropped' };
/** Where each step may start. */
const FROM: Record<RotationStep, readonly RotationPhase[]> = { bundle: ['idle', 'dropped'], reissue: ['bundled'], drop: ['reissued'] };
const NEXT: Record<RotationPhase, string> = {
  idle: 'bundle',
  bundled: 'reissue',
  reissued: 'drop',
  dropped: 'bundle (to start another rotation)',
};

/** 'advance': change the directory, then push; 'repeat': the directory is already there, push again. */
export function planStep(phase: RotationPhase, step: RotationStep, where: string): 'advance' | 'repeat' {
  if (AFTER[step] === phase) return 'repeat';
  if (FROM[step].includes(phase)) return 'advance';
  throw new ConfigError(
    `step "${step}" is out of order: the etcd CA rotation is ${phase === 'idle' ? 'not started' : `at "${phase}"`}, the next step is ${NEXT[phase]}`,
    where,
  );
}

export function parseStep(raw: string, where: string): RotationStep {
  if ((ROTATION_STEPS as readonly string[]).includes(raw)) return raw as RotationStep;
  throw new ConfigError(`"${raw}" is not a rotation step: expected ${ROTATION_STEPS.join(', ')} (in that order, one run each)`, where);
}
