/**
 * Vars of the upgrade roles. The target is the kubernetes row of the artifact table with the inventory's
 * k8s_artifacts override (k8s_artifacts.kubernetes.version, url and checksum): an upgrade is a new row.
 */
import { z } from 'zod';
import { artifactDefaults, artifactShape, type ArtifactVars } from '../cluster/shared-vars.js';
import { commandPath } from '../cluster/schemas.js';
import { binDirDefaults, type BinDirs } from './components.js';

export interface UpgradeVars extends ArtifactVars, BinDirs {
  /**
   * Cordon and drain each worker batch through the API before its kubelet is replaced (uncordon after).
   * Where no real API answers (the lab's stand-in) it is skipped, and the run's warnings say so per host.
   */
  readonly upgrade_drain: boolean;
}

export const defaults: UpgradeVars = { ...artifactDefaults, ...binDirDefaults, upgrade_drain: true };

export const schema: z.ZodType<UpgradeVars> = z.object({
  ...artifactShape,
  k8s_bin_dir: commandPath, kubelet_bin_dir: commandPath, kube_proxy_bin_dir: commandPath,
  upgrade_drain: z.boolean(),
}) as unknown as z.ZodType<UpgradeVars>;
