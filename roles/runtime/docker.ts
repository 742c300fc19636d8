/**
 * docker: the distro package, /etc/docker/daemon.json written whole, the service enabled and running.
 * daemon.json carries the settings the hard-way guides put on dockerd's command line (bridge, iptables,
 * ip-masq, mtu) plus the cgroup driver (exec-opts, matching the kubelet's) and log rotation. Settings
 * go in daemon.json only: the same key also given as a flag makes dockerd refuse to start.
 */
import { directory, service, template, type AnyResource } from '../../lib/index.js';
import { packages } from './packages.js';
import type { RuntimeVars } from './vars.js';

export const DAEMON_JSON = '/etc/docker/daemon.json';
export const DOCKER_SOCKET = '/run/docker.sock';
export const RESTART_DOCKER = 'restart docker';

/** daemon.json as an object: the managed keys, then runtime_docker_extra. Pure. */
export function daemonSettings(v: RuntimeVars): Record<string, unknown> {
  return {
    'exec-opts': [`native.cgroupdriver=${v.cgroup_driver}`],
    ...(v.runtime_docker_bridge ? { bridge: v.runtime_docker_bridge } : {}),
    iptables: v.runtime_docker_iptables,
    'ip-masq': v.runtime_docker_ip_masq,
    mtu: v.runtime_docker_mtu,
    ...(v.runtime_docker_storage_driver ? { 'storage-driver': v.runtime_docker_storage_driver } : {}),
    'log-driver': v.runtime_docker_log_driver,
    'log-opts': v.runtime_docker_log_opts,
    ...v.runtime_docker_extra,
  };
}

export const daemonJson = (v: RuntimeVars): string => `${JSON.stringify(daemonSettings(v), null, 2)}\n`;

export function docker(v: RuntimeVars): AnyResource[] {
  return [
    ...packages(v.runtime_docker_packages, v),
    directory({ path: '/etc/docker', mode: 0o755 }),
    template({ path: DAEMON_JSON, render: () => daemonJson(v), mode: 0o644, notify: RESTART_DOCKER }),
    service({ name: 'docker', enabled: true, state: 'started' }),
  ];
}
