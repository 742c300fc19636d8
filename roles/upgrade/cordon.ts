/**
 * What the worker batch hooks do to a node's Node object, pure over the node-drain probe's answer
 * (roles/node-drain/commands.ts) and the target version:
 * - before the batch (drainStep): a node whose kubelet does not report the target yet, or that an earlier
 *   upgrade run cordoned (its mark), is drained; cordoned first, with tsplay's mark, unless it is cordoned;
 * - after the batch's gates passed (uncordonStep): a node with tsplay's mark is uncordoned and the mark
 *   removed; a node cordoned without it (by the operator, before the upgrade) stays cordoned.
 * A node that is up to date and not marked is left alone (a second run drains nothing). The stand-in API
 * and a node the API does not know have nothing to drain (the controller's warning says so, drain.ts);
 * an API that does not answer throws: the batch fails before anything in it changed.
 */
import type { Change } from '../../lib/index.js';
import { CORDON_BY_UPGRADE, drainCommand, type KubectlOptions, markedCordonCommand, markedUncordonCommand, type Probe } from '../node-drain/commands.js';
import { parseVersion, showVersion, type Version } from './version.js';

export interface NodeCtx {
  readonly node: string;
  /** The control-plane host the kubectl commands run on. */
  readonly from: string;
  readonly target: Version;
  readonly kubectl: KubectlOptions;
}

/** What a hook reports (check) and runs (apply) for one node; no change: nothing to do. */
export interface Step {
  readonly change?: Change;
  readonly commands: readonly string[];
}

const NOTHING: Step = { commands: [] };

type Present = Extract<Probe, { node: 'present' }>;

/** The probe's answer for a node that is there, or undefined (stand-in, absent); throws when the API cannot be asked. */
function present(p: Probe, c: NodeCtx, what: string): Present | undefined {
  if (p.api === 'down') throw new Error(`the API does not answer from ${c.from} (${p.why}): ${c.node} cannot be ${what}`);
  if (p.api === 'error') throw new Error(`asking the API from ${c.from} for node ${c.node} failed: ${p.why}`);
  return p.api === 'real' && p.node === 'present' ? p : undefined;
}

const ours = (p: Present) => p.mark === CORDON_BY_UPGRADE;
const onTarget = (p: Present, t: Version) => {
  const v = p.kubelet ? parseVersion(p.kubelet) : undefined;
  return !!v && showVersion(v) === showVersion(t);
};
const drainWhat = (c: NodeCtx) => `drained from ${c.from} (kubectl drain --ignore-daemonsets --delete-emptydir-data --timeout=${c.kubectl.drainTimeout})`;

/** Before the batch: cordon (with the mark) and drain, drain only, or nothing. */
export function drainStep(probe: Probe, c: NodeCtx): Step {
  const p = present(probe, c, 'cordoned and drained; bring the API back, or run with upgrade_drain: false to upgrade it undrained');
  if (!p || (onTarget(p, c.target) && !ours(p))) return NOTHING;
  const drain = drainCommand(c.kubectl, c.node);
  if (!p.cordoned)
    return {
      change: { field: 'node', before: `${c.node}: schedulable, kubelet ${p.kubelet ?? 'unknown'}`, after: `cordoned and ${drainWhat(c)}` },
      commands: [markedCordonCommand(c.kubectl, c.node, CORDON_BY_UPGRADE), drain],
    };
  if (ours(p)) return { change: { field: 'node', before: `${c.node}: cordoned by an earlier tsplay upgrade run`, after: drainWhat(c) }, commands: [drain] };
  return {
    change: {
      field: 'node',
      before: `${c.node}: cordoned before the upgrade, not by tsplay`,
      after: `${drainWhat(c)}; it stays cordoned after its upgrade`,
    },
    commands: [drain],
  };
}

/**
 * After the batch's gates: uncordon what tsplay cordoned. In check mode nothing was cordoned yet, so a
 * schedulable node that drainStep would cordon is reported as uncordoned after its batch too.
 */
export function uncordonStep(probe: Probe, c: NodeCtx): Step {
  const p = present(probe, c, `uncordoned; bring the API back, then kubectl uncordon ${c.node}`);
  if (!p) return NOTHING;
  const uncordon = [markedUncordonCommand(c.kubectl, c.node)];
  if (ours(p)) return { change: { field: 'node', before: `${c.node}: cordoned by tsplay`, after: `uncordoned from ${c.from}` }, commands: uncordon };
  if (onTarget(p, c.target)) return NOTHING;
  if (!p.cordoned)
    return {
      change: { field: 'node', before: `${c.node}: cordoned before its batch`, after: `uncordoned from ${c.from} once its batch passed its gates` },
      commands: uncordon,
    };
  // Said (and nothing done) while its upgrade is ahead; once its kubelet reports the target, nothing to say.
  return {
    change: {
      field: 'node',
      before: `${c.node}: cordoned before the upgrade, not by tsplay`,
      after: `left cordoned (kubectl uncordon ${c.node} when you are done with it)`,
    },
    commands: [],
  };
}
