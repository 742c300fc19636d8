/** What every Kubernetes role shares: the cluster's parts and groups, its endpoints and ranges. */
export { CRI_SOCKETS, type ContainerRuntime } from './cri.js';
export { clusterGroups, GROUP_NAMES, PARTS, type ClusterGroups, type Part } from './groups.js';
export { CLUSTER_VARS, clusterVars, type ClusterVarName, type ClusterVars } from './shared-vars.js';
export { configDirShape, k8sPaths, pathsFor, type ConfigDirVars, type K8sPaths } from './config-dir.js';
export { BACKENDS, overlayPorts, podNetworkShape, type Backend, type PodNetworkVars } from './pod-network.js';
export {
  chosenLb,
  LB_IMPLEMENTATIONS,
  lbImplementationShape,
  type LbImplementation,
  type LbImplementationVars,
} from './lb-implementation.js';
export { CLUSTER_ADDRESS_VAR, clusterAddress } from './cluster-address.js';
export { hostsOf, topology, topologyOf, type Topology } from './topology.js';
export {
  CONTROL_PLANE_MODES,
  controlPlaneOf,
  STATIC_POD_COMPONENTS,
  staticPodDir,
  type ControlPlaneChoice,
  type ControlPlaneMode,
  type ImageOverride,
  type StaticPodComponent,
} from './control-plane-mode.js';
