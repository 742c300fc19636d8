/**
 * The API's load balancer alone: haproxy, then keepalived holding the VIP, on the lb group.
 *
 *   tsplay run playbooks/lb.ts -i inventory/lab-cluster.ts
 *
 * haproxy first: keepalived's check script asks haproxy's monitor, and the keepalived gate connects to
 * VIP:apiserver_port. The lb hosts need vip_interface and their own keepalived_priority in the inventory.
 */
import { definePlaybook } from '../lib/index.js';
import haproxy from '../roles/haproxy/index.js';
import keepalived from '../roles/keepalived/index.js';

export default definePlaybook({
  name: 'lb',
  plays: [{ name: 'API load balancer and VIP', hosts: 'lb', roles: [haproxy, keepalived] }],
});
