/**
 * pkiFiles: the resources that put a host's share of the PKI on it. The PKI itself is made on the
 * controller, once per run, while the run prepares (before any host is touched): ensurePki issues what is
 * missing or wrong, reports what it did, and each host's files are then plain whole-file resources. In
 * check mode nothing is issued; files whose certificate would be (re)issued show as pending.
 */
import { rmSync } from 'node:fs';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  ConfigError,
  directory,
  generatedFile,
  secret,
  WARNING_STEP,
  type AnyResource,
  type Cluster,
  type Host,
  type PrepareContext,
} from '../../lib/index.js';
import {
  ensurePki,
  formatExpiry,
  formatPkiReport,
  pkiPlacementsFor,
  readPushed,
  resolvePkiSpec,
  stepEtcdCa,
  type PkiHostRole,
  type PkiReport,
  type PkiSpec,
  type RotationStep,
} from './catalogue/index.js';
import { topology } from '../cluster/topology.js';
import { pkiSpecFromCluster } from './index.js';

type Notify = string | readonly string[];

export interface PkiFilesOptions {
  /** Only these parts of the host's share (default: every PKI role the host has). */
  readonly roles?: readonly PkiHostRole[];
  /** Handlers to notify when a file changes (restart what reads it); a function decides per host path. */
  readonly notify?: Notify | ((path: string) => Notify | undefined);
  readonly tags?: readonly string[];
  /** Only the files whose host path this accepts (a role that needs one file of the share). */
  readonly only?: (path: string) => boolean;
}

/** The controller's pki directory: `pki_dir` from the inventory vars, default .tsplay/pki/<cluster name>. */
export function pkiDir(cluster: Cluster, spec: PkiSpec): string {
  return resolve(topology(cluster).settings.pki_dir ?? `.tsplay/pki/${spec.clusterName}`);
}

/**
 * What a certificate playbook asks of this run's PKI step (roles/certs-renew wraps a role's build in it):
 * leaves to re-issue, or an etcd CA rotation step. Captured when resources are built (compile time, so
 * bad names fail before any host is touched) and carried into the prepare step.
 */
export interface PkiRequest {
  readonly renew?: readonly string[] | 'all';
  readonly etcdCaStep?: RotationStep;
}

let scoped: PkiRequest | undefined;

/** Build resources (synchronously) with `request` applying to every pkiFiles call inside `build`. */
export function withPkiRequest<T>(request: PkiRequest, build: () => T): T {
  const outer = scoped;
  scoped = request;
  try {
    return build();
  } finally {
    scoped = outer;
  }
}

interface Prepared {
  readonly report: PkiReport;
  /** Where the pushed files are read: the pki directory, or in check mode with a request, a scratch copy. */
  readonly readDir: string;
}

/** One PKI step per pki directory per run (per prepare context), however many hosts push files. */
const runs = new WeakMap<PrepareContext, Map<string, { key: string; done: Promise<Prepared> }>>();

function ensureOnce(spec: PkiSpec, dir: string, ctx: PrepareContext, request: PkiRequest): Promise<Prepared> {
  let perDir = runs.get(ctx);
  if (!perDir) runs.set(ctx, (perDir = new Map()));
  const key = JSON.stringify(request);
  const known = perDir.get(dir);
  if (known) {
    if (known.key !== key)
      return Promise.reject(
        new ConfigError(`two roles of this run ask different things of the PKI step (${known.key} and ${key}); run them in separate playbooks`, dir),
      );
    return known.done;
  }
  const done = preparePki(spec, dir, ctx, request);
  perDir.set(dir, { key, done });
  return done;
}

async function preparePki(spec: PkiSpec, dir: string, ctx: PrepareContext, request: PkiRequest): Promise<Prepared> {
  const asked = request.renew !== undefined || request.etcdCaStep !== undefined;
  // Check mode with a request: do it for real on a scratch copy, so that each host's files show exactly what would change.
  const readDir = ctx.mode === 'check' && asked ? await scratchCopy(dir) : dir;
  const mode = readDir === dir ? ctx.mode : 'apply';
  const notes: string[] = [];
  let renew = request.renew ?? renewRequested().renew;
  if (request.etcdCaStep) {
    const step = await stepEtcdCa(spec, readDir, request.etcdCaStep, dir);
    notes.push(step.note);
    if (step.renew.length) renew = renew === 'all' ? 'all' : [...new Set([...(renew ?? []), ...step.renew])];
  }
  const report = await ensurePki(spec, readDir, { mode, ...(renew ? { renew } : {}) });
  const shown = readDir === dir ? report : asCheck(report, dir);
  if (readDir !== dir) notes.push(`check mode: worked on a scratch copy (${readDir}); ${dir} is untouched`);
  ctx.note('pki', [...notes, formatPkiReport(shown)].join('\n'));
  if (report.errors > 0)
    throw new ConfigError(
      `the PKI needs a decision, nothing was overwritten: fix or remove the files named below (a removed certificate is re-issued)\n${formatPkiReport(shown)}`,
      dir,
    );
  if (report.expiring.length) ctx.note(WARNING_STEP, formatExpiry(dir, report.expiring, resolvePkiSpec(spec).expiryWarnDays));
  return { report, readDir };
}

/** A scratch copy of the pki directory (removed when the process exits). */
async function scratchCopy(dir: string): Promise<string> {
  const tmp = await mkdtemp(join(tmpdir(), 'tsplay-pki-check-'));
  process.once('exit', () => rmSync(tmp, { recursive: true, force: true }));
  await cp(dir, tmp, { recursive: true, preserveTimestamps: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
  return tmp;
}

/** A report of work done on a scratch copy, worded as what a real run would do. */
function asCheck(r: PkiReport, dir: string): PkiReport {
  return {
    ...r,
    mode: 'check',
    dir,
    items: r.items.map((i) =>
      i.status === 'issued' ? { ...i, status: 'would-issue' as const } : i.status === 'removed' ? { ...i, status: 'would-remove' as const } : i,
    ),
  };
}

/**
 * The explicit renew option, for one run: TSPLAY_PKI_RENEW=apiserver,kubelet:node-1 (catalogue ids) or
 * `all` (every leaf certificate; CAs and the service-account key only by name). An environment variable,
 * not an inventory var, so that it cannot stay behind and re-issue on every run.
 */
export function renewRequested(env: NodeJS.ProcessEnv = process.env): { renew?: readonly string[] | 'all' } {
  const raw = env['TSPLAY_PKI_RENEW']?.trim();
  if (!raw) return {};
  return {
    renew:
      raw === 'all'
        ? 'all'
        : raw
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
  };
}

/** Files of items that check mode says would be issued: their current content is not what apply would push. */
const pendingFiles = (r: PkiReport): Set<string> => new Set(r.items.filter((i) => i.status === 'would-issue').flatMap((i) => i.files));

export function pkiFiles(cluster: Cluster, host: Host, o: PkiFilesOptions = {}): AnyResource[] {
  const request = scoped ?? {};
  const spec = pkiSpecFromCluster(cluster);
  const dir = pkiDir(cluster, spec);
  // Where the files go on the host: the cluster's k8s_config_dir.
  const root = topology(cluster).paths.dir;
  const placements = pkiPlacementsFor(spec, host.name, o.roles, { remoteDir: root }).filter((p) => !o.only || o.only(p.path));
  const notifyOf = (path: string) => (typeof o.notify === 'function' ? o.notify(path) : o.notify);
  const tags = o.tags ? { tags: o.tags } : {};
  // Every directory from the root down to each file, parents first.
  const dirs = [...new Set(placements.flatMap((p) => ancestors(p.path, root)))].sort();
  return [
    ...dirs.map((path) => directory({ path, mode: 0o755, ...tags })),
    ...placements.map((p) =>
      generatedFile({
        path: p.path,
        mode: p.mode,
        owner: p.owner,
        secret: p.secret,
        ...tags,
        ...(notifyOf(p.path) !== undefined ? { notify: notifyOf(p.path)! } : {}),
        pendingNote: `issued by the PKI step: ${p.source}`,
        // A CA file is never replaced, but by the rotation that asks for exactly that.
        ...(isCa(p.source) && !(request.etcdCaStep && p.source === 'etcd/ca.crt')
          ? {
              refuseReplace: `it holds another CA than ${dir}/${p.source}. This controller's pki directory is not the one the cluster was built with: restore that directory (or run playbooks/reset.ts to start the cluster over)`,
            }
          : {}),
        async load(ctx) {
          const { report, readDir } = await ensureOnce(spec, dir, ctx, request);
          if (report.mode === 'check' && pendingFiles(report).has(p.source)) return undefined;
          const text = await readPushed(readDir, p.source);
          if (text === undefined) {
            if (ctx.mode === 'check') return undefined;
            throw new ConfigError(`${p.source} is missing after the PKI step`, dir);
          }
          return p.secret ? secret(text) : text;
        },
      }),
    ),
  ];
}

/** `root` and every directory between it and `path`'s parent. */
function ancestors(path: string, root: string): string[] {
  const parts = path
    .slice(root.length + 1)
    .split('/')
    .slice(0, -1);
  return [root, ...parts.map((_, i) => `${root}/${parts.slice(0, i + 1).join('/')}`)];
}

/** A CA certificate: replacing it on a running cluster breaks every member's trust in the others. */
const isCa = (source: string): boolean => /(^|\/)(ca|front-proxy-ca)\.crt$/.test(source);
