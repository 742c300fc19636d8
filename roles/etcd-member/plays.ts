/**
 * The plays of the member playbooks. An addition is two plays (member add on a member from before the
 * run, then the new host's first start behind the membership gate), repeated for each named host up to
 * MAX_ADDS; a round with no host named does nothing. Every play stops the run at the first failure.
 * The etcd role runs last on the whole group so that every member's env file lists the members as they
 * now are (a rolling restart, each behind the etcd role's health gate); a second run changes nothing.
 */
import type { Play } from '../../lib/index.js';
import etcd from '../etcd/index.js';
import { addRole, joinRole, MAX_ADDS, removeRole, retireRole, type Operation } from './index.js';

const play = (name: string, roles: Play['roles']): Play => ({ name, hosts: 'etcd', roles, anyErrorsFatal: true });

export const addPlays = (op: Operation): Play[] =>
  Array.from({ length: MAX_ADDS }, (_, i) => [
    play(`etcd member add, host ${i + 1} of etcd_member: member add`, [addRole(op, i)]),
    play(`etcd member add, host ${i + 1} of etcd_member: first start`, [joinRole(op, i)]),
  ]).flat();

export const removePlays = (op: 'remove' | 'replace'): Play[] => [
  play('etcd member remove', [removeRole(op)]),
  ...(op === 'remove' ? [play('etcd removed members: stop, disable, wipe', [retireRole])] : []),
];

export const settlePlay = (): Play => play('etcd members configured as one cluster', [etcd]);
