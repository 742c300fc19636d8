/** What reset stops and removes; lists, so a site with more components adds its own. */
import { z } from 'zod';

export interface ResetVars {
  /** Stopped and disabled, in this order (the nodes first, etcd last). */
  readonly reset_services: readonly string[];
  /** Unit files tsplay wrote under /etc/systemd/system. */
  readonly reset_units: readonly string[];
  /** Configuration, certificates and state. */
  readonly reset_paths: readonly string[];
}

const SERVICES = ['flanneld', 'kube-proxy', 'kubelet', 'kube-scheduler', 'kube-controller-manager', 'kube-apiserver', 'keepalived', 'haproxy', 'etcd'];

export const defaults: ResetVars = {
  reset_services: SERVICES,
  reset_units: ['flanneld.service', 'kube-proxy.service', 'kubelet.service', 'kube-scheduler.service', 'kube-controller-manager.service', 'kube-apiserver.service', 'etcd.service'],
  reset_paths: ['/etc/kubernetes', '/var/lib/kubelet', '/var/lib/kube-proxy', '/etc/etcd', '/var/lib/etcd', '/etc/cni/net.d', '/run/flannel', '/etc/kube-flannel', '/etc/haproxy/haproxy.cfg', '/etc/keepalived/keepalived.conf', '/etc/keepalived/check_haproxy.sh'],
};

const absolute = z.string().regex(/^\/[^\0]+$/, 'expected an absolute path').refine((p) => !['/', '/etc', '/var', '/var/lib', '/usr', '/run'].includes(p.replace(/\/+$/, '')), 'refusing to remove a system directory');

export const schema: z.ZodType<ResetVars> = z.object({
  reset_services: z.array(z.string().regex(/^[\w@.-]+$/, 'expected a unit name')),
  reset_units: z.array(z.string().regex(/^[\w@.-]+\.(service|socket|timer)$/, 'expected a unit file name such as kubelet.service')),
  reset_paths: z.array(absolute),
});
