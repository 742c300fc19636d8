/** etcd-member vars: the etcd role's (to reach and configure members as it does) plus which members change. */
import { z } from 'zod';
import { defaults as etcdDefaults, schema as etcdSchema, type EtcdVars } from '../etcd/vars.js';

export interface EtcdMemberVars extends EtcdVars {
  /**
   * The etcd group's hosts this run adds (etcd-member-add, etcd-member-replace) or removes
   * (etcd-member-remove), comma-separated, in that order: `-e etcd_member=lab-11,lab-12`.
   */
  readonly etcd_member: string;
  /** etcd-member-replace: the dead member's name, no longer in the etcd group (the new host took its place). */
  readonly etcd_replaced: string;
}

export const memberDefaults = { etcd_member: '', etcd_replaced: '' } as const;

export const defaults: EtcdMemberVars = { ...etcdDefaults, ...memberDefaults };

const names = z.string().regex(/^[A-Za-z0-9._-]*(,[A-Za-z0-9._-]+)*$/, 'expected host names separated by commas, such as lab-11,lab-12');

export const schema = (etcdSchema as z.ZodType<EtcdVars>).and(z.object({
  etcd_member: names,
  etcd_replaced: z.string().regex(/^[A-Za-z0-9._-]*$/, 'expected one member name'),
})) as unknown as z.ZodType<EtcdMemberVars>;
