/** etcd-member vars: the etcd role's (to reach and configure members as it does) plus which members change. */
import { z } from 'zod';
import { extendVars, type VarsOf } from '../../lib/index.js';
import { vars as etcdVars } from '../etcd/vars.js';

const names = z.string().regex(/^[A-Za-z0-9._-]*(,[A-Za-z0-9._-]+)*$/, 'expected host names separated by commas, such as lab-11,lab-12');

export const vars = extendVars(etcdVars, {
  etcd_member: names
    .default('')
    .describe('the etcd hosts this run adds (etcd-member-add, -replace) or removes (etcd-member-remove), comma-separated: -e etcd_member=lab-11,lab-12'),
  etcd_replaced: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'expected one member name')
    .default('')
    .describe("etcd-member-replace: the dead member's name, no longer in the etcd group (the new host took its place)"),
})();

export type EtcdMemberVars = VarsOf<typeof vars>;
export const { defaults, schema } = vars;
/** The member roles' own defaults (without the etcd role's). */
export const memberDefaults = { etcd_member: defaults.etcd_member, etcd_replaced: defaults.etcd_replaced } as const;
