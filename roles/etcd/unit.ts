/**
 * etcd.service, written to /etc/systemd/system so it takes the place of any packaged unit of the same name
 * (Debian's reads /etc/default/etcd and runs a single localhost member; RHEL's reads /etc/etcd/etcd.conf):
 * those files are then simply not read. The configuration lives in the env file, so this unit only
 * changes when the binary's path or the start timeout does.
 *
 * Runs as root: pkiFiles installs the keys root-owned, mode 0600 (Kubespray and kubeasz do the same).
 * Type=notify: etcd reports ready once it has joined a quorum, which is why the first members must start
 * together (the runner works on hosts in parallel) and why TimeoutStartSec is generous.
 */
import { execLine, unitValue } from '../../lib/index.js';
import type { EtcdVars } from './vars.js';

/** Where etcd and etcdctl are, per install method. */
export const binDir = (v: EtcdVars): string => (v.etcd_install === 'release' ? v.etcd_release.bin_dir.replace(/\/$/, '') : '/usr/bin');

export const envFile = (v: EtcdVars): string => `${v.etcd_config_dir.replace(/\/$/, '')}/etcd.env`;

export function etcdUnit(v: EtcdVars): string {
  return `# Managed by tsplay (role etcd); edits here are overwritten.
[Unit]
Description=etcd key-value store (cluster member)
Documentation=https://etcd.io/docs
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
EnvironmentFile=${unitValue('etcd unit EnvironmentFile (var etcd_config_dir)', envFile(v))}
ExecStart=${execLine('etcd unit ExecStart (var etcd_release.bin_dir)', [`${binDir(v)}/etcd`])}
Restart=always
RestartSec=5s
TimeoutStartSec=${unitValue('etcd unit TimeoutStartSec (var etcd_start_timeout_sec)', String(v.etcd_start_timeout_sec))}
LimitNOFILE=65536
OOMScoreAdjust=-999

[Install]
WantedBy=multi-user.target
`;
}
