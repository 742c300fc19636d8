/**
 * Re-issue leaf certificates and restart what reads them, one host at a time behind each role's gate:
 *
 *   tsplay run playbooks/certs-renew.ts -i inventory/prod.ts --check                        every leaf: which files on which hosts change
 *   tsplay run playbooks/certs-renew.ts -i inventory/prod.ts                                every leaf (certs_renew=all)
 *   tsplay run playbooks/certs-renew.ts -i inventory/prod.ts -e certs_renew=etcd-server,etcd-peer
 *   tsplay run playbooks/certs-renew.ts -i inventory/prod.ts -e certs_renew=kubelet:node-3 --tags kubelet
 *
 * Names are catalogue ids or kinds (roles/certs-renew); an unknown one is refused before any host is
 * touched. CAs are not renewed here: the etcd CA is rotated with playbooks/certs-etcd-ca.ts. --check works
 * on a scratch copy of the pki directory, so each host's file lines are the real new content (keys hidden).
 * Plays as in site.ts, each role wrapped: etcd members and apiservers restart one at a time behind their
 * gates (the roles are rolling), nodes one at a time (serial 1).
 */
import { definePlaybook } from '../lib/index.js';
import apiserver from '../roles/apiserver/index.js';
import { renewing } from '../roles/certs-renew/index.js';
import etcd from '../roles/etcd/index.js';
import kubeProxy from '../roles/kube-proxy/index.js';
import kubelet from '../roles/kubelet/index.js';

const all = { defaults: { certs_renew: 'all' } } as const;

export default definePlaybook({
  name: 'certs-renew',
  plays: [
    { name: 'etcd', hosts: 'etcd', roles: [renewing(etcd, all)], anyErrorsFatal: true },
    { name: 'control plane', hosts: 'masters', roles: [renewing(apiserver, all)], anyErrorsFatal: true },
    // The node roles are not rolling: serial 1 restarts one node's kubelet and kube-proxy at a time.
    { name: 'nodes', hosts: 'k8s', serial: 1, roles: [renewing(kubelet, all), renewing(kubeProxy, all)] },
  ],
});
