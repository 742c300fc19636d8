/**
 * Versions and the upgrade plan, pure: what a binary's `--version` says, and whether going from what a host
 * runs to the target is an upgrade Kubernetes supports (its version skew policy,
 * https://kubernetes.io/releases/version-skew-policy/): one minor version at a time (the newest and oldest
 * kube-apiserver of an HA control plane must be within one minor; skipping a minor is unsupported), the
 * control plane before the kubelets (a kubelet must not be newer than kube-apiserver), no downgrade, no
 * change of major version.
 */

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

const VERSION = /v?(\d+)\.(\d+)\.(\d+)/;

/** The first x.y.z in a text (`v1.34.7`, `Kubernetes v1.35.0-tsplay-standin (kubelet)`), or undefined. */
export function parseVersion(text: string): Version | undefined {
  const m = VERSION.exec(text);
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

export const showVersion = (v: Version): string => `${v.major}.${v.minor}.${v.patch}`;

const order = (a: Version, b: Version): number => a.major - b.major || a.minor - b.minor || a.patch - b.patch;

/** What one installed binary does under the plan; a refusal says why (after "<binary> on <host> "). */
export type Step =
  | { readonly kind: 'current' }
  | { readonly kind: 'patch' | 'minor'; readonly from: Version }
  | { readonly kind: 'refused'; readonly why: string };

/** From `installed` (undefined: not there) to `target`. */
export function stepOf(installed: Version | undefined, target: Version): Step {
  if (!installed)
    return { kind: 'refused', why: 'not installed (or not saying its version): an upgrade is for a running cluster, build it with playbooks/site.ts first' };
  const from = showVersion(installed),
    to = showVersion(target);
  if (installed.major !== target.major)
    return { kind: 'refused', why: `${from}: ${to} changes the major version, which the version skew policy does not cover` };
  const c = order(target, installed);
  if (c === 0) return { kind: 'current' };
  if (c < 0) return { kind: 'refused', why: `${from}, newer than ${to}: a downgrade is not an upgrade` };
  if (target.minor - installed.minor > 1) {
    return {
      kind: 'refused',
      why: `${from}: ${to} skips ${target.minor - installed.minor - 1} minor version(s); upgrade one minor at a time (to ${installed.major}.${installed.minor + 1}.x first: Kubernetes' version skew policy)`,
    };
  }
  return { kind: target.minor === installed.minor ? 'patch' : 'minor', from: installed };
}

/** Every refusal of a host's binaries, binaries with the same reason together; [] when the host may go to the target. */
export function refusals(host: string, installed: Readonly<Record<string, Version | undefined>>, target: Version): string[] {
  const by = new Map<string, string[]>();
  for (const [b, v] of Object.entries(installed)) {
    const s = stepOf(v, target);
    if (s.kind === 'refused') by.set(s.why, [...(by.get(s.why) ?? []), b]);
  }
  return [...by].map(([why, bs]) => `${bs.join(', ')} on ${host} ${bs.length > 1 ? 'are' : 'is'} ${why}`);
}
