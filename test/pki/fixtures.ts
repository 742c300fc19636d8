/** A small cluster for the PKI tests: 3 masters that are also the etcd members, 3 nodes. */
import type { PkiSpec } from '../../roles/pki/catalogue/spec.js';

export function smallSpec(over: Partial<PkiSpec> = {}): PkiSpec {
  const masters = [1, 2, 3].map((i) => ({ name: `master-${i}`, address: `10.0.0.${10 + i}` }));
  return {
    clusterName: 'lab',
    serviceCidr: '10.96.0.0/12',
    vip: '10.0.0.100',
    apiserverExtraSans: ['api.lab.example'],
    controlPlane: masters,
    etcd: masters,
    nodes: [1, 2, 3].map((i) => ({ name: `node-${i}`, address: `10.0.1.${i}` })),
    apiserverEndpoint: 'https://10.0.0.100:6443',
    ...over,
  };
}
