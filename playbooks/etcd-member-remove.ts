/**
 * Shrink a running etcd cluster (roles/etcd-member): name the members to remove (they stay in the
 * inventory until this has run; what stays must be an odd count), then delete them from the etcd group:
 *
 *   tsplay run playbooks/etcd-member-remove.ts -i inventory/prod.ts -e etcd_member=etcd-4,etcd-5 --check
 *   tsplay run playbooks/etcd-member-remove.ts -i inventory/prod.ts -e etcd_member=etcd-4,etcd-5
 *
 * `member remove` on the first healthy staying member (dead members first; refused when a step would
 * leave fewer healthy members than a quorum), the membership gate, then on each removed host: etcd
 * stopped and disabled, its data dir wiped (only once the cluster no longer lists it). The next
 * etcd.ts or site.ts run, with the hosts gone from the inventory, rewrites the members' env files.
 */
import { definePlaybook } from '../lib/index.js';
import { removePlays } from '../roles/etcd-member/plays.js';

export default definePlaybook({ name: 'etcd-member-remove', plays: removePlays('remove') });
