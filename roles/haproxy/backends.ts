/** The API's backends, one per control-plane host in inventory order: what haproxy and nginx-lb both balance to. */
import type { Cluster } from '../../lib/index.js';
import { hostsOf, topology } from '../cluster/index.js';
import type { Backend } from './config.js';
import { clusterAddress } from '../cluster/cluster-address.js';

/** Refuses an empty control plane, naming `role` (the one that cannot do without it). */
export const apiBackends = (cluster: Cluster, role: string): Backend[] =>
  hostsOf(topology(cluster), 'controlPlane', role).map((h) => ({ name: h.name, address: clusterAddress(h) }));
