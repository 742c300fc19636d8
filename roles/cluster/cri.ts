/** Where each container runtime serves the CRI: the runtime role listens there and the kubelet connects there. */
export const CRI_SOCKETS = { containerd: '/run/containerd/containerd.sock', docker: '/run/cri-dockerd.sock' } as const;

export type ContainerRuntime = keyof typeof CRI_SOCKETS;
