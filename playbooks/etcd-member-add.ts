/**
 * Grow a running etcd cluster (roles/etcd-member): put the new hosts in the inventory's etcd group
 * (keeping it odd), then
 *
 *   tsplay run playbooks/etcd-member-add.ts -i inventory/prod.ts -e etcd_member=etcd-4,etcd-5 --check   who runs member add, which URLs
 *   tsplay run playbooks/etcd-member-add.ts -i inventory/prod.ts -e etcd_member=etcd-4,etcd-5
 *
 * One host at a time, in the order named: `member add` on the first existing member (every member
 * healthy first), the new member's first start with initial-cluster-state existing, the membership
 * gate; then the etcd role on every member (env files list the new members; rolling restart).
 * Name the hosts with etcd_member and do not --limit the run to them: member add runs on an existing member.
 */
import { definePlaybook } from '../lib/index.js';
import { addPlays, settlePlay } from '../roles/etcd-member/plays.js';

export default definePlaybook({ name: 'etcd-member-add', plays: [...addPlays('add'), settlePlay()] });
