/**
 * The kubectl commands of a node removal, pure: the probe that says what the API is and whether the Node
 * object is there, and cordon, drain, delete. The probe prints one line, read by parseProbe:
 *
 *   down <why>        the API does not answer /version (the removal cannot be done through it)
 *   standin           /version answers but /api/v1 is no APIResourceList: no real apiserver (the lab's stand-in)
 *   present <unsched> the Node object exists (`true` when already cordoned)
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

const base = (o: KubectlOptions) => `${sq(o.kubectl)} --kubeconfig=${sq(o.kubeconfig)}`;

export function probeCommand(o: KubectlOptions, node: string): string {
  const k = `${base(o)} --request-timeout=10s`;
  return [
    `if ! out=$(${k} get --raw /version 2>&1); then echo "down $(printf %s "$out" | tr '\\n' ' ')"; exit 0; fi`,
    `if ! ${k} get --raw /api/v1 2>/dev/null | grep -q '"APIResourceList"'; then echo standin; exit 0; fi`,
    `if out=$(${k} get node ${sq(node)} -o jsonpath='{.spec.unschedulable}' 2>&1); then echo "present $out"`,
    `elif printf %s "$out" | grep -q NotFound; then echo absent`,
    `else echo "error $(printf %s "$out" | tr '\\n' ' ')"; fi`,
  ].join('\n');
}

export type Probe =
  | { readonly api: 'down'; readonly why: string }
  | { readonly api: 'error'; readonly why: string }
  | { readonly api: 'standin' }
  | { readonly api: 'real'; readonly node: 'absent' }
  | { readonly api: 'real'; readonly node: 'present'; readonly cordoned: boolean };

export function parseProbe(stdout: string): Probe {
  const line = stdout.trim().split('\n').pop() ?? '';
  const [word = '', ...rest] = line.split(' ');
  const why = rest.join(' ').trim();
  if (word === 'standin') return { api: 'standin' };
  if (word === 'absent') return { api: 'real', node: 'absent' };
  if (word === 'present') return { api: 'real', node: 'present', cordoned: why === 'true' };
  if (word === 'down') return { api: 'down', why: why || 'no answer' };
  return { api: 'error', why: why || `unexpected probe output ${JSON.stringify(line)}` };
}

/** Cordon, drain (DaemonSet pods stay, emptyDir data goes), then the Node object. */
export function removeCommands(o: KubectlOptions, node: string, cordoned: boolean): string[] {
  const k = base(o);
  return [
    ...(cordoned ? [] : [`${k} cordon ${sq(node)}`]),
    `${k} drain ${sq(node)} --ignore-daemonsets --delete-emptydir-data --force --timeout=${sq(o.drainTimeout)}`,
    `${k} delete node ${sq(node)} --wait=true`,
  ];
}
