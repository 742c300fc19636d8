/**
 * The rolling-upgrade roles (playbooks/upgrade.ts): upgrade-plan refuses an unsupported step before
 * anything changes, upgrade-drain cordons and drains each worker batch and upgrade-uncordon uncordons it
 * after (drainHooks: the worker play's batch hooks, from a control-plane host), `upgrading` adds the gate
 * each host passes on the new version (gate.ts) to the installing roles. The binaries themselves are
 * replaced by the installing roles (apiserver, kubelet, kube-proxy) from the artifact table's new
 * kubernetes row.
 */
export { default as upgradePlan } from './plan.js';
export { default as upgradeDrain } from './drain.js';
export { default as upgradeUncordon } from './uncordon.js';
export { drainHooks } from './hooks.js';
export { upgradeGate, upgrading } from './gate.js';
export { defaults, schema, type UpgradeVars } from './vars.js';
