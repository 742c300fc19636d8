/** The webapp role's vars, declared once (a bad value names its field). */
import { z } from 'zod';
import { declareVars, port as portPiece, type VarsOf } from '../../lib/index.js';

export const vars = declareVars(
  z.object({
    port: portPiece.default(8080).describe('TCP port the app listens on'),
    bind: z.union([z.ipv4(), z.ipv6()]).default('0.0.0.0').describe('the address it binds'),
    // Not absPath: ".." passes here on purpose, so the sample shows a resource refusing a var (test/cli/bad-input.test.ts).
    root: z
      .string()
      .regex(/^\/[\w./-]+$/, { error: 'expected an absolute path' })
      .default('/srv/webapp')
      .describe('everything the app serves lives under here'),
    title: z.string().min(1).default('Hello from tsplay').describe('shown on the page; also what the health gate looks for'),
    user: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]*$/, { error: 'expected a user name' })
      .default('webapp')
      .describe('the user it runs as'),
    features: z
      .record(z.string().regex(/^[a-z0-9_]+$/, { error: 'expected a lowercase feature name' }), z.boolean())
      .default({ gzip: true, cache: true, metrics: true, access_log: true, etag: true, keepalive: true, http2: false, tls: false })
      .describe('feature flags, one drop-in file each under /etc/webapp/conf.d'),
    somaxconn: z.int().min(128).max(65535).default(1024).describe('net.core.somaxconn'),
  }),
);

export type WebappVars = VarsOf<typeof vars>;
export const { defaults, schema } = vars;
