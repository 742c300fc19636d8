/** smoke vars: which kubectl and credentials the checks use on the control-plane host. */
import { z } from 'zod';

export interface SmokeVars {
  readonly smoke_kubectl: string;
  /** admin.conf: the coredns (or apiserver) role puts it there from the cluster PKI. */
  readonly smoke_kubeconfig: string;
}

export const defaults: SmokeVars = { smoke_kubectl: '/usr/bin/kubectl', smoke_kubeconfig: '/etc/kubernetes/admin.conf' };

const absPath = z.string().regex(/^\/[^\s"'\\;&|$`]*$/, 'expected an absolute path without spaces, quotes or shell characters');
export const schema: z.ZodType<SmokeVars> = z.object({ smoke_kubectl: absPath, smoke_kubeconfig: absPath });
