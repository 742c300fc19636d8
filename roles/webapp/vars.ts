/** The webapp role's vars: defaults and the run-time schema (a bad value names its field). */
import { z } from 'zod';

export interface WebappVars {
  /** TCP port the app listens on. */
  readonly port: number;
  readonly bind: string;
  /** Everything the app serves lives under here. */
  readonly root: string;
  /** Shown on the page; also what the health gate looks for. */
  readonly title: string;
  readonly user: string;
  /** Feature flags, one drop-in file each under /etc/webapp/conf.d. */
  readonly features: Readonly<Record<string, boolean>>;
  readonly somaxconn: number;
}

export const defaults: WebappVars = {
  port: 8080,
  bind: '0.0.0.0',
  root: '/srv/webapp',
  title: 'Hello from tsplay',
  user: 'webapp',
  features: { gzip: true, cache: true, metrics: true, access_log: true, etag: true, keepalive: true, http2: false, tls: false },
  somaxconn: 1024,
};

export const schema: z.ZodType<WebappVars> = z.object({
  port: z.int().min(1).max(65535),
  bind: z.union([z.ipv4(), z.ipv6()]),
  root: z.string().regex(/^\/[\w./-]+$/, { error: 'expected an absolute path' }),
  title: z.string().min(1),
  user: z.string().regex(/^[a-z_][a-z0-9_-]*$/, { error: 'expected a user name' }),
  features: z.record(z.string().regex(/^[a-z0-9_]+$/, { error: 'expected a lowercase feature name' }), z.boolean()),
  somaxconn: z.int().min(128).max(65535),
});
