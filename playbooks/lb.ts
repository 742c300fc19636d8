/**
 * The API's load balancer alone: haproxy (or nginx, with lb_implementation: nginx), then keepalived
 * holding the VIP, on the lb group.
 *
 *   tsplay run playbooks/lb.ts -i inventory/lab-cluster.ts
 *   tsplay run playbooks/lb.ts -i inventory/lab-cluster.ts -e lb_implementation=nginx
 *
 * The load balancer first: keepalived's check script asks it, and the keepalived gate connects to
 * VIP:apiserver_port. Of haproxy and nginx-lb only the chosen one builds anything (it stops the other
 * where tsplay had set it up). The lb hosts need vip_interface and their own keepalived_priority.
 */
import { definePlaybook } from '../lib/index.js';
import haproxy from '../roles/haproxy/index.js';
import keepalived from '../roles/keepalived/index.js';
import nginxLb from '../roles/nginx-lb/index.js';

export default definePlaybook({
  name: 'lb',
  plays: [{ name: 'API load balancer and VIP', hosts: 'lb', roles: [haproxy, nginxLb, keepalived] }],
});
