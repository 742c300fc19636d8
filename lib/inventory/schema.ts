/**
 * Run-time validation of an inventory module's default export (a .js inventory or a cast escapes the
 * compiler). Errors name the file, the field path and what was expected, with did-you-mean for
 * misspelt fields and names. Two passes: the shape of every field first, then (once the shape is right,
 * so that one typo does not cascade) the names that refer to each other.
 */
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { Secret } from '../core/secret.js';
import type { InventorySpec } from '../dsl/inventory.js';
import { problemOf, report, type Path } from './issues.js';
import { crossRefs } from './refs.js';

const IPV4ISH = /^[\d.]+$/;

/** IPv4, IPv6, or an RFC 1123 DNS name (a dotted-digits string must be a real IPv4 address). */
export function isAddress(s: string): boolean {
  if (z.ipv4().safeParse(s).success || z.ipv6().safeParse(s).success) return true;
  return !IPV4ISH.test(s) && s.length <= 253 && z.hostname().safeParse(s).success;
}

const PORT = 'expected a port number (an integer from 1 to 65535)';
const port = z.int({ error: PORT }).min(1, { error: PORT }).max(65535, { error: PORT });
const address = z.string({ error: 'expected an IPv4/IPv6 address or DNS name' }).refine(isAddress, {
  error: (iss) => `expected an IPv4/IPv6 address or DNS name, got ${JSON.stringify(iss.input)}`,
  abort: true,
});
const user = z.string({ error: 'expected a user name' }).regex(/^[^\s@:]+$/, { error: 'expected a user name (no spaces, "@" or ":")' });
const key = z.string({ error: 'expected the path of a private key file' }).min(1, { error: 'expected the path of a private key file' });
const transport = z.enum(['ssh', 'local', 'fake'], { error: 'expected "ssh", "local" or "fake"' });
const hostName = z.string({ error: 'expected a host name' });
const vars = z.record(z.string(), z.unknown(), { error: 'expected an object of vars' });
const names = (what: string) => z.array(z.string({ error: `expected a ${what} name` }), { error: `expected an array of ${what} names` });

const hostShape = {
  address: address.optional(),
  port: port.optional(),
  user: user.optional(),
  key: key.optional(),
  transport: transport.optional(),
  jump: hostName.optional(),
  becomePassword: z.union([z.string(), z.instanceof(Secret)], { error: 'expected a string' }).optional(),
  vars: vars.optional(),
};
const groupShape = { hosts: names('host').optional(), children: names('group').optional(), vars: vars.optional() };
const defaultsShape = { port: hostShape.port, user: hostShape.user, key: hostShape.key, transport: hostShape.transport, jump: hostShape.jump };
const topShape = {
  hosts: z.record(z.string(), z.strictObject(hostShape, { error: 'expected an object: { address, port?, user?, ... }' }), {
    error: 'expected an object of hosts: { name: { address, ... } }',
  }),
  groups: z
    .record(z.string(), z.strictObject(groupShape, { error: 'expected an object: { hosts?, children?, vars? }' }), {
      error: 'expected an object of groups: { name: { hosts, children, vars } }',
    })
    .optional(),
  defaults: z.strictObject(defaultsShape, { error: 'expected an object: { port?, user?, key?, transport?, jump? }' }).optional(),
  vars: vars.optional(),
};

export const inventorySchema = z.strictObject(topShape, { error: 'expected an object: export default defineInventory({ hosts: {...} })' });

/** The fields an object at `path` may have, for "unknown field" messages. */
function fieldsAt(path: Path): readonly string[] {
  if (path.length === 0) return Object.keys(topShape);
  if (path[0] === 'defaults') return Object.keys(defaultsShape);
  return Object.keys(path[0] === 'groups' ? groupShape : hostShape);
}

/** The validated spec, or a ConfigError naming `file` and every problem found. */
export function validateInventory(input: unknown, file: string): InventorySpec {
  const parsed = inventorySchema.safeParse(input, { reportInput: true });
  const problems = parsed.success ? crossRefs(parsed.data as InventorySpec) : parsed.error.issues.flatMap((i) => problemOf(i, fieldsAt));
  if (problems.length > 0) throw new ConfigError(report(problems), file);
  return parsed.data as InventorySpec;
}
