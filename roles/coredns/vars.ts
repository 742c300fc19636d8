/**
 * coredns vars. The service IP and domain come from the topology (cluster_dns, cluster_domain); the rest
 * are prefixed `coredns_`.
 */
import { z } from 'zod';
import { declareVars, orEmpty, type VarsOf } from '../../lib/index.js';
import { commandPath } from '../cluster/schemas.js';

const upstream = z.string().regex(/^(\/[^\s"'\\]+|[0-9A-Fa-f.:]+(:\d+)?|tls:\/\/\S+)$/, 'expected a resolv.conf path or an upstream server address');

export const vars = declareVars(
  z.object({
    // The CoreDNS that kubeadm 1.34 installs.
    coredns_image: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._/:-]*(@sha256:[0-9a-f]{64})?$/, 'expected an image reference')
      .default('registry.k8s.io/coredns/coredns:v1.12.1')
      .describe('the CoreDNS image'),
    coredns_replicas: z.number().int().min(1).max(20).default(2).describe('how many CoreDNS pods'),
    coredns_upstream: z
      .array(upstream)
      .min(1)
      .default(['/etc/resolv.conf'])
      .describe('where unresolved names go: a resolv.conf on the node, or upstream server addresses'),
    coredns_kubectl: commandPath
      .default('/usr/local/bin/kubectl')
      .describe("the kubectl on the control-plane host: the release's, which the apiserver role installs in k8s_bin_dir"),
    // A failing apply fails the host: the addon is never skipped in silence.
    coredns_apply: z
      .boolean()
      .default(true)
      .describe("apply the manifest (when kubectl diff finds a change); false only where no real apiserver serves objects (the lab's stand-ins)"),
    coredns_manifest_dir: orEmpty(commandPath)
      .default('')
      .describe("where the rendered manifest is kept on the host (what was applied); '' = <k8s_config_dir>/addons"),
  }),
);

export type CorednsVars = VarsOf<typeof vars>;
export const { defaults, schema } = vars;
