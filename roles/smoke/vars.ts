/** smoke vars: which kubectl and credentials the checks use on the control-plane host. */
import { z } from 'zod';
import { commandPath } from '../cluster/schemas.js';

export interface SmokeVars {
  readonly smoke_kubectl: string;
  /** admin.conf: the coredns (or apiserver) role puts it there from the cluster PKI. */
  readonly smoke_kubeconfig: string;
  /** Every node registered and Ready; false only where no real apiserver serves objects (the lab's stand-ins). */
  readonly smoke_nodes_ready: boolean;
}

// The release's kubectl, which the apiserver role installs in k8s_bin_dir.
export const defaults: SmokeVars = { smoke_kubectl: '/usr/local/bin/kubectl', smoke_kubeconfig: '/etc/kubernetes/admin.conf', smoke_nodes_ready: true };

export const schema: z.ZodType<SmokeVars> = z.object({ smoke_kubectl: commandPath, smoke_kubeconfig: commandPath, smoke_nodes_ready: z.boolean() });
