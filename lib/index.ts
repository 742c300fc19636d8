/**
 * tsplay's public API, what `import ... from 'tsplay'` gives role and playbook authors: the DSL, the
 * built-in resources, secrets and the types a role needs. The test kit is `tsplay/testing`.
 */
export { defineInventory, varsFor, type Defaults, type GroupEntry, type HostEntry, type InventorySpec } from './dsl/inventory.js';
export {
  definePlaybook,
  use,
  type ClusterGate,
  type ClusterGateContext,
  type DelegateTo,
  type Play,
  type Playbook,
  type RoleUse,
  type Serial,
  type UseOptions,
} from './dsl/playbook.js';
export { defineRole, type Gate, type GateContext, type GateProbe, type GateSubject, type Role, type RoleSpec } from './dsl/role.js';
export { commandGate, type CommandGateSpec } from './dsl/command-gate.js';
export { declareVars, extendVars, type DeclaredVars, type VarsOf, type VarsRule } from './dsl/vars.js';
export * from './dsl/schema-pieces.js';
export * from './resources/index.js';
export { remember as rememberSecret, secret, Secret } from './core/secret.js';
export { defineResource, WARNING_STEP, type AnyResource, type Change, type Handler, type PrepareContext, type Resource } from './core/resource.js';
export { q, type Action, type HostFacts } from './core/ops.js';
export type { Cluster, Host } from './core/model.js';
export { ConfigError } from './core/errors.js';
export { escapeRegExp } from './core/regexp.js';
// Addresses as roles check them: a real parser (IPv4, IPv6, CIDR), no regexes.
export { cidrContains, cidrsOverlap, firstHost, formatIp, isDnsName, normalizeIp, parseCidr, type Cidr } from './core/net.js';
export { didYouMean } from './core/did-you-mean.js';
