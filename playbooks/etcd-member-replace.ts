/**
 * Replace a dead etcd member with a new host (roles/etcd-member): in the inventory's etcd group, put the
 * new host in the dead one's place, then
 *
 *   tsplay run playbooks/etcd-member-replace.ts -i inventory/prod.ts -e etcd_replaced=etcd-3 -e etcd_member=etcd-4 --check
 *   tsplay run playbooks/etcd-member-replace.ts -i inventory/prod.ts -e etcd_replaced=etcd-3 -e etcd_member=etcd-4
 *
 * The dead member is removed first (etcd's order: adding first to a cluster with a dead member can lose
 * the quorum), refused if the others are not a healthy quorum; then the new host is added as in
 * etcd-member-add.ts, and the etcd role runs on every member.
 */
import { definePlaybook } from '../lib/index.js';
import { addPlays, removePlays, settlePlay } from '../roles/etcd-member/plays.js';

export default definePlaybook({ name: 'etcd-member-replace', plays: [...removePlays('replace'), ...addPlays('replace'), settlePlay()] });
