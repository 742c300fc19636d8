/**
 * cri-dockerd: the CRI shim the kubelet talks to when docker is the runtime (Kubernetes >= 1.24 removed
 * the in-kubelet dockershim). The binary comes from the artifact table (fetched and checksum-verified
 * on the controller, pushed); units as upstream's packaging has them: a socket unit listening on
 * /run/cri-dockerd.sock that hands the socket to the service (`--container-runtime-endpoint fd://`).
 */
import { execLine, service, unit, type AnyResource } from '../../lib/index.js';
import { installBinaries } from '../cluster/artifacts-install.js';
import { resolveArtifact } from '../cluster/artifacts.js';
import { CRI_SOCKETS } from '../cluster/index.js';
import type { RuntimeVars } from './vars.js';

export const CRI_DOCKERD_SOCKET = CRI_SOCKETS.docker;
export const RESTART_CRI_DOCKERD = 'restart cri-dockerd';

/** Major.minor of a version string; undefined when it is not one (a stand-in's "0.0.0-x" parses). */
function minor(version: string): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Whether docker needs cri-dockerd: asked for, or 'auto' and the table's Kubernetes is >= 1.24 (or unknown). */
export function needsCriDockerd(v: RuntimeVars): boolean {
  if (v.container_runtime !== 'docker') return false;
  if (v.runtime_cri_dockerd !== 'auto') return v.runtime_cri_dockerd;
  const m = minor(resolveArtifact('kubernetes', v.k8s_arch, v.k8s_artifacts).version);
  return !m || m[0] > 1 || (m[0] === 1 && m[1] >= 24);
}

export const socketUnit = (): string => `# Managed by tsplay (role runtime); edits here are overwritten.
[Unit]
Description=CRI Docker Socket for the API
PartOf=cri-docker.service

[Socket]
ListenStream=${CRI_DOCKERD_SOCKET}
SocketMode=0660
SocketUser=root
SocketGroup=root

[Install]
WantedBy=sockets.target
`;

export function serviceUnit(v: RuntimeVars): string {
  const flags = [
    '--container-runtime-endpoint=fd://',
    '--network-plugin=cni',
    // The dirs the runtime role installs the plugins into and flannel writes its conflist to.
    `--cni-bin-dir=${v.cni_bin_dir}`,
    `--cni-conf-dir=${v.cni_conf_dir}`,
    `--pod-infra-container-image=${v.runtime_sandbox_image}`,
  ];
  return `# Managed by tsplay (role runtime); edits here are overwritten.
[Unit]
Description=CRI Interface for Docker Application Container Engine
Documentation=https://github.com/Mirantis/cri-dockerd
After=network-online.target firewalld.service docker.service
Wants=network-online.target
Requires=cri-docker.socket docker.service

[Service]
Type=notify
ExecStart=${execLine('cri-docker unit ExecStart', [`${v.runtime_bin_dir}/cri-dockerd`, ...flags])}
Restart=always
RestartSec=2
StartLimitBurst=3
LimitNOFILE=infinity
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
Delegate=yes
KillMode=process

[Install]
WantedBy=multi-user.target
`;
}

export function criDockerd(v: RuntimeVars): AnyResource[] {
  return [
    installBinaries(resolveArtifact('cri-dockerd', v.k8s_arch, v.k8s_artifacts), ['cri-dockerd'], v.runtime_bin_dir, { notify: RESTART_CRI_DOCKERD }),
    unit({ name: 'cri-docker.socket', content: socketUnit(), notify: RESTART_CRI_DOCKERD }),
    unit({ name: 'cri-docker.service', content: serviceUnit(v), notify: RESTART_CRI_DOCKERD }),
    service({ name: 'cri-docker.socket', enabled: true, state: 'started' }),
    service({ name: 'cri-docker', enabled: true, state: 'started' }),
  ];
}
