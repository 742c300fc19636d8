/** What reset stops and removes; lists, so a site with more components adds its own. */
import { z } from 'zod';
import { absPath, declareVars, type VarsOf } from '../../lib/index.js';

const SERVICES = ['flanneld', 'kube-proxy', 'kubelet', 'kube-scheduler', 'kube-controller-manager', 'kube-apiserver', 'keepalived', 'haproxy', 'etcd'];
const SYSTEM_DIRS = ['/', '/etc', '/var', '/var/lib', '/usr', '/run'];
const removable = absPath.refine((p) => !SYSTEM_DIRS.includes(p), 'refusing to remove a system directory');

export const vars = declareVars(
  z.object({
    reset_services: z
      .array(z.string().regex(/^[\w@.-]+$/, 'expected a unit name'))
      .default(SERVICES)
      .describe('stopped and disabled, in this order (the nodes first, etcd last)'),
    reset_units: z
      .array(z.string().regex(/^[\w@.-]+\.(service|socket|timer)$/, 'expected a unit file name such as kubelet.service'))
      .default([
        'flanneld.service',
        'kube-proxy.service',
        'kubelet.service',
        'kube-scheduler.service',
        'kube-controller-manager.service',
        'kube-apiserver.service',
        'etcd.service',
      ])
      .describe('unit files tsplay wrote under /etc/systemd/system'),
    reset_paths: z
      .array(removable)
      .default([
        '/var/lib/kubelet',
        '/var/lib/kube-proxy',
        '/etc/etcd',
        '/var/lib/etcd',
        '/etc/cni/net.d',
        '/run/flannel',
        '/etc/kube-flannel',
        '/etc/haproxy/haproxy.cfg',
        '/etc/keepalived/keepalived.conf',
        '/etc/keepalived/check_haproxy.sh',
      ])
      .describe("configuration, certificates and state, after the cluster's k8s_config_dir"),
    reset_static_pods_wait: z
      .number()
      .int('expected a whole number of seconds')
      .min(1, 'expected at least 1 second')
      .default(120)
      .describe('how long reset waits for the kubelet to stop the static pods whose manifests it removed, before the kubelet is stopped'),
  }),
);

export type ResetVars = VarsOf<typeof vars>;
export const { defaults, schema } = vars;
