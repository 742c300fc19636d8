/**
 * Var schemas for cluster addresses, on the real IP/CIDR parser (lib/index: parseCidr, normalizeIp), not
 * regexes. (The generic pieces - paths, ports, durations, digests - are lib/dsl/schema-pieces.ts; these
 * live here because lib/dsl may not import the parser's layer.)
 */
import { z } from 'zod';
import { normalizeIp, parseCidr } from '../../lib/index.js';

/**
 * An absolute path that a role writes into a shell command line as it is (kubectl, a manifest): only
 * letters, digits and `. _ / + @ -`, so no value can end the word, start another command or expand.
 */
export const commandPath = z
  .string()
  .regex(/^\/[A-Za-z0-9._/+@-]*$/, 'expected an absolute path of letters, digits and . _ / + @ - (it is written into shell commands)');

/** An IPv4 or IPv6 address. */
export const ipAddress = z.string().refine((s) => normalizeIp(s) !== undefined, 'expected an IPv4 or IPv6 address');
/** An IPv4 address. */
export const ipv4Address = z.string().refine((s) => !s.includes(':') && normalizeIp(s) !== undefined, 'expected an IPv4 address such as 10.0.0.1');
/** A CIDR such as 10.244.0.0/16 or fd00::/56. */
export const cidr = z.string().refine((s) => parseCidr(s) !== undefined, 'expected a CIDR such as 10.244.0.0/16');
/** An address or a CIDR: what firewalld takes as a source. */
export const ipOrCidr = z
  .string()
  .refine((s) => parseCidr(s) !== undefined || normalizeIp(s) !== undefined, 'expected an IPv4 or IPv6 address or CIDR such as 10.244.0.0/16');
