/**
 * certs-renew: a role that pushes PKI files (etcd, apiserver, kubelet...), wrapped so that one run of it
 * also re-issues chosen leaves or takes one step of the etcd CA rotation. The wrapped role keeps its name,
 * resources, handlers, gates and `rolling`, so a changed certificate restarts what reads it one host at a
 * time behind the role's own gate (etcd: `endpoint health --cluster` before the next member restarts).
 *
 * Vars (both per run, from -e; never leave them in an inventory):
 * - certs_renew: `all`, catalogue ids (`etcd-server:lab-1`, `apiserver`) or kinds (`etcd-server`, `etcd-peer`,
 *   `kubelet`), comma-separated; '' for none. CA names are refused (a CA is rotated, not renewed).
 * - certs_etcd_ca_step: '' or `bundle`, `reissue`, `drop` (roles/pki/catalogue/rotation-plan.ts), one run each, in order.
 * Bad names and steps out of order fail while the run compiles or prepares, before any host is touched.
 */
import { z, type ZodType } from 'zod';
import { ConfigError, type Cluster, type Role } from '../../lib/index.js';
import { catalog, parseStep, resolvePkiSpec, selectRenewal, ROTATION_STEPS } from '../pki/catalogue/index.js';
import { pkiSpecFromCluster } from '../pki/index.js';
import { withPkiRequest, type PkiRequest } from '../pki/push.js';

export interface CertsVars {
  readonly certs_renew: string;
  readonly certs_etcd_ca_step: '' | (typeof ROTATION_STEPS)[number];
}

export const certsDefaults: CertsVars = { certs_renew: '', certs_etcd_ca_step: '' };

const certsSchema = z.object({
  certs_renew: z.string().regex(/^[A-Za-z0-9:._,\s-]*$/, 'expected certificate names or kinds, comma-separated'),
  certs_etcd_ca_step: z.union([z.literal(''), z.enum(ROTATION_STEPS)]),
});

/** The request the vars make, validated against the cluster's catalogue. */
export function requestOf(v: CertsVars, cluster: Cluster): PkiRequest {
  const renew = v.certs_renew.trim();
  const wants = renew ? catalog(resolvePkiSpec(pkiSpecFromCluster(cluster))) : [];
  return {
    ...(renew ? { renew: selectRenewal(wants, renew, 'var certs_renew') } : {}),
    ...(v.certs_etcd_ca_step ? { etcdCaStep: parseStep(v.certs_etcd_ca_step, 'var certs_etcd_ca_step') } : {}),
  };
}

export interface RenewingOptions {
  /** Defaults for this playbook (certs-renew: certs_renew 'all'). */
  readonly defaults?: Partial<CertsVars>;
  /** Refuse a run that asks for nothing (the rotation playbook needs its step). */
  readonly require?: keyof CertsVars;
}

/** `role`, with the certs vars added and its resources built under their PKI request. */
export function renewing<V extends object>(role: Role<V>, o: RenewingOptions = {}): Role<V & CertsVars> {
  const defaults = { ...role.defaults, ...certsDefaults, ...o.defaults } as V & CertsVars;
  return {
    ...(role as unknown as Role<V & CertsVars>),
    defaults,
    schema: schemaFor(role.schema),
    resources(v, host, cluster) {
      if (o.require && !v[o.require])
        throw new ConfigError(
          `this playbook needs -e ${o.require}=${o.require === 'certs_etcd_ca_step' ? ROTATION_STEPS.join('|') : 'NAMES'}`,
          `var ${o.require}`,
        );
      return withPkiRequest(requestOf(v, cluster), () => role.resources(v, host, cluster));
    },
  };
}

/** The wrapped role's schema for its own vars, this one for the certs vars. */
function schemaFor<V extends object>(inner: ZodType<V> | undefined): ZodType<V & CertsVars> {
  return z.unknown().transform((value, ctx) => {
    const { certs_renew, certs_etcd_ca_step, ...rest } = value as Record<string, unknown>;
    const mine = certsSchema.safeParse({ certs_renew, certs_etcd_ca_step });
    const theirs = inner ? inner.safeParse(rest) : { success: true as const, data: rest as V };
    for (const r of [mine, theirs]) if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
    if (!mine.success || !theirs.success) return z.NEVER;
    return { ...(theirs.data as object), ...mine.data } as V & CertsVars;
  }) as unknown as ZodType<V & CertsVars>;
}
