/**
 * Load a playbook module and check its shape at run time (a .js playbook or a cast escapes the compiler):
 * errors name the file and the field path (`plays[1].roles[0]`), as inventory errors do.
 */
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import type { Playbook } from '../dsl/playbook.js';
import { problemOf, report } from '../inventory/issues.js';
import { importDefault, shown } from '../inventory/load-module.js';

const role = z.looseObject(
  {
    name: z.string({ error: 'expected the role name' }),
    defaults: z.record(z.string(), z.unknown(), { error: 'expected the role defaults object' }),
    resources: z.custom<unknown>((v) => typeof v === 'function', { error: 'expected a resources(vars, host, cluster) function' }),
  },
  { error: 'expected a role: defineRole({...}) or use(role, vars)' },
);
const roleUse = z.union([z.looseObject({ role, vars: z.record(z.string(), z.unknown()) }), role], {
  error: 'expected a role: defineRole({...}) or use(role, vars)',
});
const serialStep = z.union([z.int().min(1), z.string().regex(/^\d+(\.\d+)?%$/)], { error: 'expected a host count or a percentage like "30%"' });
const play = z.strictObject(
  {
    name: z.string({ error: 'expected the play name' }),
    hosts: z.string({ error: 'expected a host pattern, e.g. "etcd" or "k8s:!lb"' }),
    roles: z.array(roleUse, { error: 'expected an array of roles' }),
    tags: z.array(z.string()).optional(),
    serial: z.union([serialStep, z.array(serialStep)]).optional(),
    throttle: z.int().min(1, { error: 'expected a whole number of at least 1' }).optional(),
    strategy: z.enum(['linear', 'free'], { error: 'expected "linear" or "free"' }).optional(),
    anyErrorsFatal: z.boolean().optional(),
    maxFailPercent: z.number().min(0).max(100, { error: 'expected a percentage from 0 to 100' }).optional(),
    runOnce: z.boolean().optional(),
    become: z.boolean().optional(),
    gates: z
      .array(
        z.looseObject(
          {
            name: z.string({ error: 'expected the gate name' }),
            check: z.custom<unknown>((v) => typeof v === 'function', { error: 'expected a check(ctx) function' }),
          },
          { error: 'expected a cluster gate: { name, check(ctx) }' },
        ),
      )
      .optional(),
    beforeBatch: z.array(roleUse, { error: 'expected an array of roles' }).optional(),
    afterBatch: z.array(roleUse, { error: 'expected an array of roles' }).optional(),
  },
  { error: 'expected a play: { name, hosts, roles, ... }' },
);
const playbook = z.strictObject(
  {
    name: z.string({ error: 'expected the playbook name' }),
    plays: z.array(play, { error: 'expected an array of plays' }).min(1, { error: 'a playbook needs at least one play' }),
  },
  { error: 'expected definePlaybook({ name, plays: [...] })' },
);

const FIELDS = { top: Object.keys(playbook.shape), play: Object.keys(play.shape) };

export function validatePlaybook(input: unknown, file: string): Playbook {
  const parsed = playbook.safeParse(input, { reportInput: true });
  if (parsed.success) return input as Playbook;
  const problems = parsed.error.issues.flatMap((i) => problemOf(i, (path) => (path.length === 0 ? FIELDS.top : FIELDS.play)));
  throw new ConfigError(report(problems, 'the playbook'), file);
}

export async function loadPlaybook(file: string): Promise<Playbook> {
  return validatePlaybook(await importDefault(file, 'playbook'), shown(file));
}
