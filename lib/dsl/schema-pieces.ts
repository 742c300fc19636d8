/**
 * Schema pieces for role vars, one home each: build a role's vars from these (lib/dsl/vars.ts) instead of
 * writing the same regex again. Every message says what was expected; the runner prefixes the field name.
 * (IP addresses and CIDRs: roles/cluster/schemas.ts, on the real parser that lib/index exports.)
 */
import { z } from 'zod';
import { didYouMean } from '../core/did-you-mean.js';

/**
 * An absolute path of letters, digits and `. _ - / + @` without `..`: safe to write into a unit file,
 * a config or a command line as it is. A trailing slash is dropped, so `${dir}/file` never doubles it.
 */
export const absPath = z
  .string()
  .regex(/^\/[A-Za-z0-9._/+@-]*$/, 'expected an absolute path (letters, digits, . _ - / + @)')
  .refine((p) => !p.split('/').includes('..'), 'expected a path without ".."')
  .transform((p) => (p.length > 1 ? p.replace(/\/+$/, '') : p));

/** A TCP/UDP port number. */
export const port = z.number().int('expected a whole number').min(1, 'expected a port (1-65535)').max(65535, 'expected a port (1-65535)');

/** `port/proto` or `from-to/proto`, as firewalld writes it: 6443/tcp, 30000-32767/tcp. */
export const portProto = z.string().refine((s) => {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?\/(tcp|udp|sctp|dccp)$/.exec(s);
  if (!m) return false;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return from >= 1 && to <= 65535 && from <= to;
}, 'expected port/protocol such as 6443/tcp or 30000-32767/tcp: ports must be 1-65535, a range from low to high');

/** A duration with a unit as Go and haproxy read it: 10m, 30s, 1h30m, 500ms. */
export const duration = z.string().regex(/^(\d+(ns|us|ms|s|m|h|d))+$/, 'expected a duration such as 10m, 30s or 500ms');

/** A Debian or RPM package name (with an optional version or arch suffix). */
export const packageName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9+._:-]*$/, 'expected a package name');

/** Package names per OS family. */
export const familyPackages = z.object({ debian: z.array(packageName), redhat: z.array(packageName) });

/** A sha256 digest: 64 lowercase hex digits. */
export const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');

/** An http(s) URL without spaces. */
export const httpUrl = z.string().regex(/^https?:\/\/\S+$/, 'expected an http(s) URL');

/** A release version such as 3.5.17. */
export const semver = z.string().regex(/^\d+\.\d+\.\d+$/, 'expected a version such as 3.5.17');

/** One line of text (no newline): what lands in an env file or a flag. */
export const oneLine = z.string().regex(/^[^\n]*$/, 'expected a single line');

/** `''` or the piece: an optional value written as an empty string. */
export const orEmpty = <T extends z.ZodType<string>>(piece: T) => z.union([z.literal(''), piece]);

/**
 * One of a fixed set of words, refused with the set and the nearest: `expected "haproxy" or "nginx", got
 * "ngnix". Did you mean "nginx"?` (zod's own message names neither the value nor a near miss).
 */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => {
  const words = values.map((w) => `"${w}"`);
  const expected = words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
  return z.enum(values, {
    error: (issue) => {
      const near = typeof issue.input === 'string' ? didYouMean(issue.input, values) : '';
      return `expected ${expected}, got ${JSON.stringify(issue.input)}${near ? `.${near}` : ''}`;
    },
  });
};
