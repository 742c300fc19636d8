/**
 * The base image recipe: Debian release, packages and setup steps. Its hash names the cached image, so any
 * change to the recipe builds a new image and an unchanged recipe never rebuilds.
 */
import { createHash } from 'node:crypto';

export interface Recipe {
  readonly suite: string;
  readonly mirror: string;
  /** Installed by debootstrap itself: enough to boot and log in. */
  readonly base: readonly string[];
  /** Installed with apt-get inside the new root: what the roles use, so hosts need no network. */
  readonly extra: readonly string[];
  /** Services shipped enabled by their packages, disabled so that roles start them. */
  readonly disable: readonly string[];
  /** Services the lab needs at boot. */
  readonly enable: readonly string[];
  /** Shell steps run in the new root after install (chroot). */
  readonly steps: readonly string[];
}

export const RECIPE: Recipe = {
  suite: 'bookworm',
  mirror: 'http://deb.debian.org/debian',
  base: [
    'systemd',
    'systemd-sysv',
    'dbus',
    'openssh-server',
    'sudo',
    'iproute2',
    'iptables',
    'kmod',
    'procps',
    'ca-certificates',
    'curl',
    'openssl',
    'python3',
  ],
  extra: [
    'etcd-server',
    'etcd-client',
    'haproxy',
    'keepalived',
    // The API load balancer's alternative (lb_implementation nginx): Debian's nginx and its stream module.
    'nginx',
    'libnginx-mod-stream',
    'firewalld',
    'containerd',
    'runc',
    'ipset',
    'containernetworking-plugins',
    'kubernetes-client',
    'conntrack',
    'socat',
    'docker.io',
  ],
  disable: [
    'etcd',
    'haproxy',
    'keepalived',
    'nginx',
    'firewalld',
    'containerd',
    'docker',
    'docker.socket',
    'apt-daily.timer',
    'apt-daily-upgrade.timer',
    'e2scrub_reap',
    'systemd-timesyncd',
  ],
  enable: ['systemd-networkd', 'ssh'],
  steps: [
    // Each host gets its own host keys and machine id when it is created.
    'rm -f /etc/ssh/ssh_host_*',
    ': > /etc/machine-id',
    "printf '127.0.0.1 localhost\\n::1 localhost ip6-localhost ip6-loopback\\n' > /etc/hosts",
    "printf 'HostKey /etc/ssh/ssh_host_ed25519_key\\nPermitRootLogin prohibit-password\\nUseDNS no\\nMaxStartups 200\\n' > /etc/ssh/sshd_config.d/tsplay.conf",
    'apt-get clean',
    'rm -rf /var/lib/apt/lists/*',
  ],
};

/** A short stable hash of everything that shapes the image. */
export function recipeHash(recipe: Recipe): string {
  return createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 12);
}

/** Every package the recipe names, for an existence check before a long build. */
export const allPackages = (r: Recipe): string[] => [...r.base, ...r.extra];

/** The chroot script that installs the extras and applies the setup steps. */
export function setupScript(r: Recipe): string {
  const disable = r.disable.map((s) => `systemctl disable ${s} >/dev/null 2>&1 || true`);
  const enable = r.enable.map((s) => `systemctl enable ${s}`);
  return [
    'set -e',
    'export DEBIAN_FRONTEND=noninteractive',
    // No service may start inside the build root.
    "printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d",
    'apt-get update -qq',
    `apt-get install -y -qq --no-install-recommends ${r.extra.join(' ')} >/dev/null`,
    ...disable,
    ...enable,
    ...r.steps,
    'rm -f /usr/sbin/policy-rc.d',
    '',
  ].join('\n');
}
