/**
 * Shell scripts sent with plain OpenSSH: the raw floor's probes (read the state a no-op needs, naively:
 * one stat, one sha256sum, the sysctls, dpkg-query, getent, systemctl show) and the untimed resets that
 * make hosts fresh before a first apply, for both tools alike.
 */
const FEATURES = ['gzip', 'cache', 'metrics', 'access_log', 'etag', 'keepalive', 'http2', 'tls'];
const WEBAPP_FILES = [
  '/etc/webapp/webapp.conf',
  ...FEATURES.map((f) => `/etc/webapp/conf.d/${f}.conf`),
  '/srv/webapp/www/index.html',
  '/etc/sysctl.d/90-tsplay-net.core.somaxconn.conf',
  '/etc/sysctl.d/90-tsplay-net.ipv4.tcp_fin_timeout.conf',
  '/etc/systemd/system/webapp.service',
  '/etc/hosts',
];
const WEBAPP_DIRS = ['/srv/webapp', '/srv/webapp/www', '/etc/webapp', '/etc/webapp/conf.d'];

const PREREQS_SYSCTLS = ['net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding', 'net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-ip6tables'];
const PREREQS_FILES = [
  '/etc/modules-load.d/br_netfilter.conf',
  '/etc/modules-load.d/overlay.conf',
  ...PREREQS_SYSCTLS.map((k) => `/etc/sysctl.d/90-tsplay-${k}.conf`),
  '/etc/fstab',
  '/etc/hosts',
];

const proc = (key: string) => `/proc/sys/${key.replace(/\./g, '/')}`;
const FACTS = 'export LC_ALL=C; cat /etc/os-release; uname -srm; hostname';

export const WEBAPP_PROBE = [
  FACTS,
  `stat -c '%n|%F|%a|%U|%G|%s' ${[...WEBAPP_DIRS, ...WEBAPP_FILES].join(' ')} 2>&1`,
  `sha256sum ${WEBAPP_FILES.join(' ')} 2>&1`,
  `cat ${proc('net.core.somaxconn')} ${proc('net.ipv4.tcp_fin_timeout')}`,
  "dpkg-query -W -f='${Package}\\t${db:Status-Abbrev}\\t${Version}\\n' python3",
  'getent passwd webapp; getent group webapp; id -Gn webapp',
  'systemctl show -p LoadState,ActiveState,UnitFileState webapp.service',
  'exit 0',
  '',
].join('\n');

export const PREREQS_PROBE = [
  FACTS,
  "dpkg-query -W -f='${Package}\\t${db:Status-Abbrev}\\t${Version}\\n' conntrack socat",
  'ls -d /sys/module/br_netfilter /sys/module/overlay 2>&1; grep -E "^(br_netfilter|overlay) " /proc/modules 2>&1',
  "gzip -dc /proc/config.gz | grep -E '^CONFIG_(BRIDGE_NETFILTER|OVERLAY_FS)='",
  `stat -c '%n|%F|%a|%U|%G|%s' ${PREREQS_FILES.join(' ')} 2>&1`,
  `sha256sum ${PREREQS_FILES.join(' ')} 2>&1`,
  `cat ${PREREQS_SYSCTLS.map(proc).join(' ')}`,
  'cat /proc/swaps',
  'exit 0',
  '',
].join('\n');

/**
 * After playbooks/sample-reset.ts (which removes files, user, service): the runtime sysctls back to the
 * kernel's defaults too, so a first apply sets them as on a fresh host.
 */
export const WEBAPP_RESET_EXTRA = 'sysctl -qw net.core.somaxconn=4096 net.ipv4.tcp_fin_timeout=60\n';

/**
 * Undo prereqs (either tool's): files, the /etc/hosts block, forwarding off. The net.bridge.* sysctls stay
 * at their default 1: they are left alone so that no reset could ever reach outside the host's netns.
 */
export const PREREQS_RESET = [
  'set -e',
  `rm -f ${PREREQS_FILES.filter((f) => f.startsWith('/etc/modules-load.d/') || f.startsWith('/etc/sysctl.d/')).join(' ')}`,
  "sed '/^# BEGIN tsplay cluster hosts/,/^# END tsplay cluster hosts$/d' /etc/hosts > /etc/hosts.bench && cat /etc/hosts.bench > /etc/hosts && rm /etc/hosts.bench",
  'sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0',
  '',
].join('\n');

/** Install Debian packages from .deb files (base64) unless `pkg` is installed already: Ansible's apt module needs python3-apt. */
export function installDebs(pkg: string, debs: ReadonlyMap<string, Buffer>): string {
  const files = [...debs].map(([name, bytes]) => `base64 -d > "$d/${name}" <<'EOF_DEB'\n${bytes.toString('base64')}\nEOF_DEB`);
  return [
    'set -e',
    `if dpkg-query -W -f='\${Status}' ${pkg} 2>/dev/null | grep -q 'ok installed'; then exit 0; fi`,
    'd=$(mktemp -d)',
    ...files,
    'DEBIAN_FRONTEND=noninteractive dpkg -i "$d"/*.deb >/dev/null',
    'rm -rf "$d"',
    '',
  ].join('\n');
}
