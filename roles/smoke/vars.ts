/** smoke vars: which kubectl and credentials the checks use on the control-plane host. */
import { z } from 'zod';
import { declareVars, orEmpty, type VarsOf } from '../../lib/index.js';
import { commandPath } from '../cluster/schemas.js';

export const vars = declareVars(
  z.object({
    // The release's kubectl, which the apiserver role installs in k8s_bin_dir.
    smoke_kubectl: commandPath.default('/usr/local/bin/kubectl').describe('the kubectl the checks run'),
    smoke_kubeconfig: orEmpty(commandPath)
      .default('')
      .describe("the credentials; '' = <k8s_config_dir>/admin.conf, which the coredns (or apiserver) role puts there from the cluster PKI"),
    smoke_nodes_ready: z
      .boolean()
      .default(true)
      .describe("every node registered and Ready; false only where no real apiserver serves objects (the lab's stand-ins)"),
  }),
);

export type SmokeVars = VarsOf<typeof vars>;
export const { defaults, schema } = vars;
