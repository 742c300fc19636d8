/** The systemd units of the control plane: one flag a line, sorted, so a diff shows exactly what changed. */
import { continued, execArg, execWords } from '../../lib/index.js';
import type { Flags } from './flags.js';

export const COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;
export type ControlPlaneComponent = (typeof COMPONENTS)[number];

const DESCRIPTION: Record<ControlPlaneComponent, string> = {
  'kube-apiserver': 'Kubernetes API Server',
  'kube-controller-manager': 'Kubernetes Controller Manager',
  'kube-scheduler': 'Kubernetes Scheduler',
};

/** `--name=value` words, sorted, each as systemd reads it back (execArg: quoted when needed, % and $ doubled). */
export function renderFlags(flags: Flags): string[] {
  return Object.keys(flags)
    .sort()
    .map((k) => execArg(`flag --${k}`, `--${k}=${flags[k]!}`));
}

export function unitFile(name: ControlPlaneComponent, bin: string, flags: Flags): string {
  const exec = continued([...execWords(`${name} unit ExecStart`, [`${bin.replace(/\/$/, '')}/${name}`]), ...renderFlags(flags)]);
  // The apiserver tells systemd when it serves (Type=notify), so `systemctl start` returns when it is up.
  const type = name === 'kube-apiserver' ? 'notify' : 'simple';
  return `# Managed by tsplay (role apiserver); edits are overwritten.
[Unit]
Description=${DESCRIPTION[name]}
Documentation=https://kubernetes.io/docs/reference/command-line-tools-reference/${name}/
After=network-online.target${name === 'kube-apiserver' ? '' : ' kube-apiserver.service'}
Wants=network-online.target

[Service]
Type=${type}
ExecStart=${exec}
Restart=always
RestartSec=5
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
`;
}
