/**
 * Vars of the upgrade roles. The target is the kubernetes row of the artifact table with the inventory's
 * k8s_artifacts override (k8s_artifacts.kubernetes.version, url and checksum): an upgrade is a new row.
 */
import { z } from 'zod';
import { declareVars, type VarsOf } from '../../lib/index.js';
import { artifactVarShape } from '../cluster/shared-vars.js';
import { commandPath } from '../cluster/schemas.js';
import { binDirDefaults } from './components.js';

export const vars = declareVars(
  z.object({
    ...artifactVarShape,
    k8s_bin_dir: commandPath.default(binDirDefaults.k8s_bin_dir).describe('where the control-plane binaries are (the apiserver role installs them there)'),
    kubelet_bin_dir: commandPath.default(binDirDefaults.kubelet_bin_dir).describe('where the kubelet is (the kubelet role installs it there)'),
    kube_proxy_bin_dir: commandPath.default(binDirDefaults.kube_proxy_bin_dir).describe('where kube-proxy is (the kube-proxy role installs it there)'),
    // Where no real API answers (the lab's stand-in) it is skipped, and the run's warnings say so per host.
    upgrade_drain: z
      .boolean()
      .default(true)
      .describe('cordon and drain each worker batch through the API before its kubelet is replaced (uncordon after its gates pass)'),
    upgrade_drain_timeout: z
      .string()
      .regex(/^\d+[smh]$/, 'expected a duration such as 300s or 5m')
      .default('300s')
      .describe("how long kubectl drain waits for a node's pods to go (its --timeout); a drain that takes longer fails the batch"),
  }),
);

export type UpgradeVars = VarsOf<typeof vars>;
export const { defaults, schema } = vars;
