/**
 * The upgrade plays' batch hooks (the control plane's one-host batches and the worker batches):
 * upgrade-drain before each batch, upgrade-uncordon after it, both delegated to the first control-plane
 * host (node-drain's API host), where kubectl and admin.conf are; a host without a kubelet gets neither.
 */
import { type DelegateTo, type Play, use } from '../../lib/index.js';
import { apiHostOf } from '../node-drain/index.js';
import upgradeDrain from './drain.js';
import upgradeUncordon from './uncordon.js';

export const throughApiHost: DelegateTo = (_host, cluster) => apiHostOf(cluster).name;

export const drainHooks = (): Required<Pick<Play, 'beforeBatch' | 'afterBatch'>> => ({
  beforeBatch: [use(upgradeDrain, {}, { delegateTo: throughApiHost })],
  afterBatch: [use(upgradeUncordon, {}, { delegateTo: throughApiHost })],
});
