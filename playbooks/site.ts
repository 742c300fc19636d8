/**
 * The whole cluster, the hard way: an HA Kubernetes control plane from binaries, in an order that keeps
 * quorum. The PKI is made on the controller, once per run, before any host is touched.
 *
 *   tsplay run playbooks/site.ts -i inventory/prod.ts --check --diff
 *   tsplay run playbooks/site.ts -i inventory/prod.ts
 *   tsplay run playbooks/site.ts -i inventory/prod.ts --tags etcd           one role, by its name
 *
 * Groups: etcd (odd count), masters (control plane), workers, k8s (masters + workers: every kubelet),
 * lb (haproxy, or nginx with lb_implementation: nginx, + keepalived with the VIP; leave it empty for a
 * single control-plane host). A one-host cluster puts that host in etcd, masters and workers
 * (test/fixtures/inventory/lab-single.ts).
 */
import { definePlaybook } from '../lib/index.js';
import { GROUP_NAMES as G } from '../roles/cluster/index.js';
import apiserver from '../roles/apiserver/index.js';
import coredns from '../roles/coredns/index.js';
import etcd from '../roles/etcd/index.js';
import firewalld from '../roles/firewalld/index.js';
import flannel from '../roles/flannel/index.js';
import flannelNetwork from '../roles/flannel-network/index.js';
import haproxy from '../roles/haproxy/index.js';
import keepalived from '../roles/keepalived/index.js';
import nginxLb from '../roles/nginx-lb/index.js';
import kubeProxy from '../roles/kube-proxy/index.js';
import kubelet from '../roles/kubelet/index.js';
import prereqs from '../roles/prereqs/index.js';
import runtime from '../roles/runtime/index.js';
import smoke from '../roles/smoke/index.js';

const ALL = `${G.etcd}:${G.nodes}:${G.lb}`;

export default definePlaybook({
  name: 'site',
  plays: [
    { name: 'prerequisites', hosts: ALL, roles: [prereqs] },
    // Ports open before etcd and flannel need them; a reload restarts the runtime if it drops its chains.
    { name: 'firewall', hosts: ALL, roles: [firewalld] },
    // Members of a new cluster start in the same pass; later restarts go one member at a time (rolling).
    { name: 'etcd', hosts: G.etcd, roles: [etcd], anyErrorsFatal: true },
    // flannel's network config in etcd, for its etcd subnet manager (nothing with the default kube subnet manager).
    { name: 'pod network config', hosts: G.etcd, roles: [flannelNetwork] },
    { name: 'container runtime', hosts: G.nodes, roles: [runtime] },
    // haproxy or nginx-lb, whichever lb_implementation names (the other builds nothing), then the VIP.
    { name: 'API load balancer', hosts: G.lb, roles: [haproxy, nginxLb, keepalived], anyErrorsFatal: true },
    { name: 'control plane', hosts: G.controlPlane, roles: [apiserver], anyErrorsFatal: true },
    { name: 'nodes', hosts: G.nodes, roles: [kubelet, kubeProxy, flannel], maxFailPercent: 30 },
    // Then the whole is checked from one control-plane host: the API through the VIP, nodes Ready.
    { name: 'cluster addons and smoke test', hosts: G.controlPlane, runOnce: true, roles: [coredns, smoke] },
  ],
});
