/**
 * Rotate the etcd CA without a moment without quorum: three runs, in order, each rolling (one member
 * restarts and `endpoint health --cluster` passes before the next):
 *
 *   tsplay run playbooks/certs-etcd-ca.ts -i inventory/prod.ts -e certs_etcd_ca_step=bundle   new CA; hosts trust old + new
 *   tsplay run playbooks/certs-etcd-ca.ts -i inventory/prod.ts -e certs_etcd_ca_step=reissue  every etcd leaf signed by the new CA
 *   tsplay run playbooks/certs-etcd-ca.ts -i inventory/prod.ts -e certs_etcd_ca_step=drop     hosts trust the new CA only
 *
 * Add --check to any step: it runs on a scratch copy of the pki directory and shows which files change on
 * which hosts. A step out of order is refused before any host is touched; repeating the last step pushes it
 * again (finishes a rollout that stopped halfway). The apiserver trusts the etcd CA and presents a leaf
 * it signs, so the control plane play follows each etcd play. The old CA is kept as etcd/ca-previous.*.
 */
import { definePlaybook } from '../lib/index.js';
import apiserver from '../roles/apiserver/index.js';
import { renewing } from '../roles/certs-renew/index.js';
import etcd from '../roles/etcd/index.js';

const step = { require: 'certs_etcd_ca_step' } as const;

export default definePlaybook({
  name: 'certs-etcd-ca',
  plays: [
    { name: 'etcd', hosts: 'etcd', roles: [renewing(etcd, step)], anyErrorsFatal: true },
    { name: 'control plane', hosts: 'masters', roles: [renewing(apiserver, step)], anyErrorsFatal: true },
  ],
});
