/**
 * The kubectl commands of a node removal and of the rolling upgrade's drain, pure: the probe that says
 * what the API is and whether the Node object is there, and cordon, drain, uncordon, delete. The probe
 * prints one line, read by parseProbe:
 *
 *   down <why>        the API does not answer /version (nothing can be done through it)
 *   standin           /version answers but /api/v1 is no APIResourceList: no real apiserver (the lab's stand-in)
 *   present <unsched>|<mark>|<kubelet>
 *                     the Node object exists: `true` when cordoned, the value of CORDON_MARK (who cordoned
 *                     it, when tsplay did), the kubelet version the node reports
 *   absent            a real API, and no such Node (deleted already)
 *   error <why>       the API answered the Node lookup with something else
 */
export const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export interface KubectlOptions {
  readonly kubectl: string;
  readonly kubeconfig: string;
  /** How long drain waits for the pods to go (kubectl's --timeout). */
  readonly drainTimeout: string;
}

/**
 * The annotation tsplay sets on a Node it cordons (and removes when it uncordons): a node cordoned
 * without it was cordoned by someone else, and tsplay leaves it cordoned.
 */
export const CORDON_MARK = 'tsplay.io/cordoned-by';
export const CORDON_BY_UPGRADE = 'tsplay-upgrade';

// kubectl's jsonpath: dots in a key are escaped; a missing field prints nothing.
const PRESENT = `{.spec.unschedulable}|{.metadata.annotations.${CORDON_MARK.replace(/\./g, '\\.')}}|{.status.nodeInfo.kubeletVersion}`;

const base = (o: KubectlOptions) => `${sq(o.kubectl)} --kubeconfig=${sq(o.kubeconfig)}`;

export function probeCommand(o: KubectlOptions, node: string): string {
  const k = `${base(o)} --request-timeout=10s`;
  return [
    `if ! out=$(${k} get --raw /version 2>&1); then echo "down $(printf %s "$out" | tr '\\n' ' ')"; exit 0; fi`,
    `if ! ${k} get --raw /api/v1 2>/dev/null | grep -q '"APIResourceList"'; then echo standin; exit 0; fi`,
    `if out=$(${k} get node ${sq(node)} -o jsonpath=${sq(PRESENT)} 2>&1); then echo "present $out"`,
    `elif printf %s "$out" | grep -q NotFound; then echo absent`,
    `else echo "error $(printf %s "$out" | tr '\\n' ' ')"; fi`,
  ].join('\n');
}

export type Probe =
  | { readonly api: 'down'; readonly why: string }
  | { readonly api: 'error'; readonly why: string }
  | { readonly api: 'standin' }
  | { readonly api: 'real'; readonly node: 'absent' }
  | {
      readonly api: 'real';
      readonly node: 'present';
      readonly cordoned: boolean;
      /** CORDON_MARK's value, when set. */
      readonly mark?: string;
      /** What the node's kubelet reports (`v1.34.7`), when it does. */
      readonly kubelet?: string;
    };

export function parseProbe(stdout: string): Probe {
  const line = stdout.trim().split('\n').pop() ?? '';
  const [word = '', ...rest] = line.split(' ');
  const why = rest.join(' ').trim();
  if (word === 'standin') return { api: 'standin' };
  if (word === 'absent') return { api: 'real', node: 'absent' };
  if (word === 'present') {
    const [unsched = '', mark = '', kubelet = ''] = why.split('|').map((f) => f.trim());
    return { api: 'real', node: 'present', cordoned: unsched === 'true', ...(mark ? { mark } : {}), ...(kubelet ? { kubelet } : {}) };
  }
  if (word === 'down') return { api: 'down', why: why || 'no answer' };
  return { api: 'error', why: why || `unexpected probe output ${JSON.stringify(line)}` };
}

/** Evict the node's pods: DaemonSet pods stay, emptyDir data goes, bare pods too; fails after drainTimeout. */
export const drainCommand = (o: KubectlOptions, node: string): string =>
  `${base(o)} drain ${sq(node)} --ignore-daemonsets --delete-emptydir-data --force --timeout=${sq(o.drainTimeout)}`;

/** Cordon, drain, then the Node object. */
export function removeCommands(o: KubectlOptions, node: string, cordoned: boolean): string[] {
  const k = base(o);
  return [...(cordoned ? [] : [`${k} cordon ${sq(node)}`]), drainCommand(o, node), `${k} delete node ${sq(node)} --wait=true`];
}

/**
 * What `kubectl cordon` does (spec.unschedulable), and CORDON_MARK = `by`, in one API call: a node is
 * never left cordoned by tsplay without the mark that lets tsplay uncordon it.
 */
export const markedCordonCommand = (o: KubectlOptions, node: string, by: string): string =>
  `${base(o)} patch node ${sq(node)} --type=merge -p ${sq(JSON.stringify({ metadata: { annotations: { [CORDON_MARK]: by } }, spec: { unschedulable: true } }))}`;

/** What `kubectl uncordon` does, and the mark removed, in one API call. */
export const markedUncordonCommand = (o: KubectlOptions, node: string): string =>
  `${base(o)} patch node ${sq(node)} --type=merge -p ${sq(JSON.stringify({ metadata: { annotations: { [CORDON_MARK]: null } }, spec: { unschedulable: null } }))}`;
