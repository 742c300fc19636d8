/** Facts and base state of the two fake host flavours: a Debian 12 and a Rocky Linux 9 machine. */
import type { HostFacts } from '../core/ops.js';
import type { FakeState } from './fake-state.js';

export function debianFacts(name: string): HostFacts {
  return {
    os: { family: 'debian', id: 'debian', version: '12', codename: 'bookworm' },
    arch: 'x86_64',
    init: 'systemd',
    hostname: name,
    interfaces: { lo: ['127.0.0.1', '::1'], eth0: ['10.0.0.10'] },
    cpus: 2,
    memoryMb: 2048,
    packageManager: 'apt',
  };
}

export function rhelFacts(name: string): HostFacts {
  return { ...debianFacts(name), os: { family: 'redhat', id: 'rocky', version: '9.3' }, packageManager: 'dnf' };
}

const DIRS = [
  '/etc',
  '/etc/default',
  '/etc/systemd/system',
  '/etc/sysctl.d',
  '/etc/modules-load.d',
  '/usr/bin',
  '/usr/sbin',
  '/usr/local/bin',
  '/usr/lib/systemd/system',
  '/var/lib',
  '/var/log',
  '/opt',
  '/home',
  '/run',
];

/** What every Linux host has: the usual directories, root and nobody, a few sysctls. */
export function seedBase(s: FakeState, nogroup: string): void {
  for (const d of DIRS) s.fs.mkdirp(d);
  s.fs.mkdirp('/root', { mode: 0o700 });
  s.fs.mkdirp('/tmp', { mode: 0o1777 });
  s.fs.write('/etc/hosts', Buffer.from(`127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n`));
  s.fs.write('/etc/hostname', Buffer.from(`${s.facts.hostname}\n`));
  s.groups.set('root', { gid: 0 });
  s.groups.set(nogroup, { gid: 65534 });
  s.users.set('root', { uid: 0, gid: 0, home: '/root', shell: '/bin/bash', groups: [] });
  s.users.set('nobody', { uid: 65534, gid: 65534, home: '/nonexistent', shell: '/usr/sbin/nologin', groups: [] });
  const sysctls = {
    'net.ipv4.ip_forward': '0',
    'net.core.somaxconn': '4096',
    'net.ipv4.tcp_fin_timeout': '60',
    'net.ipv6.conf.all.forwarding': '0',
    'net.ipv4.conf.all.rp_filter': '2',
    'vm.swappiness': '60',
    'fs.inotify.max_user_instances': '128',
    'kernel.pid_max': '4194304',
  };
  for (const [k, v] of Object.entries(sysctls)) s.sysctls.set(k, v);
}
