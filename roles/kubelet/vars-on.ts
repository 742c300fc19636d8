/**
 * The kubelet's vars on a host as the inventory gives them (defaults < flat host vars < vars scoped under
 * `kubelet`), for the apiserver role, which builds the kubelet's resources on control-plane hosts in
 * static-pods mode. A play's overrides and `-e` reach the kubelet role's own run, not this copy: set kubelet
 * vars in the inventory when the control plane runs as static pods.
 */
import { ConfigError, type Host } from '../../lib/index.js';
import { defaults, schema, type KubeletVars } from './vars.js';

const KEYS = Object.keys(defaults);
const pick = (from: unknown): Record<string, unknown> =>
  from && typeof from === 'object' ? Object.fromEntries(Object.entries(from).filter(([k]) => KEYS.includes(k))) : {};

export function kubeletVarsOn(host: Host): KubeletVars {
  const parsed = schema.safeParse({ ...defaults, ...pick(host.vars), ...pick(host.vars['kubelet']) });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ConfigError(`var ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`, `role kubelet on ${host.name}`);
}
