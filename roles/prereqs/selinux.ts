/**
 * SELinux permissive, now and at boot, where the host has it enforcing (the RHEL family by default): the
 * kubelet, the runtime and the CNI plugins write where an enforcing policy without container-selinux
 * labels forbids, which is what kubeadm's install guide and Kubespray (preinstall_selinux_state) set too.
 * A host without SELinux (Debian) answers "not enforcing" and has no config: nothing to do.
 */
import { defineResource, q, type Change } from '../../lib/index.js';

const CONFIG = '/etc/selinux/config';
const ENFORCING = /^SELINUX=enforcing[ \t]*$/m;
/** Read-only: 1 when enforcing now, 0 when permissive, nothing without SELinux. */
export const ENFORCE_QUERY = 'cat /sys/fs/selinux/enforce 2>/dev/null || :';

/** The config with enforcing turned into permissive; everything else byte for byte. Pure. */
export const permissiveConfig = (text: string): string => text.replace(ENFORCING, 'SELINUX=permissive');

export function selinuxPermissive() {
  return defineResource({
    id: 'selinux:permissive',
    reads: [`path:${CONFIG}`],
    writes: [`path:${CONFIG}`, 'selinux'],
    queries: [q.command(ENFORCE_QUERY), q.file(CONFIG, { content: 64 * 1024 })],
    check([now, config]) {
      const out: Change[] = [];
      if (now.stdout.trim() === '1') out.push({ field: 'mode', before: 'enforcing', after: 'permissive' });
      if (config.exists && config.content !== undefined && ENFORCING.test(config.content)) {
        out.push({ field: 'content', diff: { before: config.content, after: permissiveConfig(config.content) } });
      }
      return out;
    },
    apply: ([, config], _facts, changes) => [
      ...(changes.some((c) => c.field === 'mode') ? [{ a: 'command', command: 'setenforce 0' } as const] : []),
      ...(changes.some((c) => c.field === 'content') ? [{ a: 'write', path: CONFIG, content: permissiveConfig(config.content ?? '') } as const] : []),
    ],
  });
}
