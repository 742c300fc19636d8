/**
 * upgrade-uncordon, the batches' afterBatch hook (hooks.ts: delegated to the first control-plane
 * host, like upgrade-drain): once the batch's roles and gates passed, each node tsplay cordoned is
 * uncordoned (cordon.ts: a node cordoned before the upgrade stays cordoned). A failed gate stops the play
 * before this hook: the batch stays cordoned, for the operator to see. Nothing with upgrade_drain false.
 */
import { defineRole } from '../../lib/index.js';
import { CLUSTER_VARS } from '../cluster/shared-vars.js';
import { uncordonStep } from './cordon.js';
import { nodeCtx, nodeResource, runsKubelet } from './drain.js';
import { defaults, schema, type UpgradeVars } from './vars.js';

export default defineRole<UpgradeVars>({
  name: 'upgrade-uncordon',
  tags: ['upgrade'],
  defaults,
  sharedVars: CLUSTER_VARS,
  schema,
  resources: (v, host, cluster) =>
    v.upgrade_drain && runsKubelet(host, cluster) ? [nodeResource(`upgrade-uncordon:${host.name}`, nodeCtx(v, host, cluster), uncordonStep)] : [],
});
