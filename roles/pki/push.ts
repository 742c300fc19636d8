/**
 * pkiFiles: the resources that put a host's share of the PKI on it. The PKI itself is made on the
 * controller, once per run, while the run prepares (before any host is touched): ensurePki issues what is
 * missing or wrong, reports what it did, and each host's files are then plain whole-file resources. In
 * check mode nothing is issued; files whose certificate would be (re)issued show as pending.
 */
import { resolve } from 'node:path';
import { ConfigError, directory, generatedFile, secret, type AnyResource, type Cluster, type Host, type PrepareContext } from '../../lib/index.js';
import { ensurePki, formatPkiReport, pkiPlacementsFor, readPkiFile, type PkiHostRole, type PkiReport, type PkiSpec } from '../../lib/pki/index.js';
import { pkiSpecFromCluster } from './index.js';

type Notify = string | readonly string[];

export interface PkiFilesOptions {
  /** Only these parts of the host's share (default: every PKI role the host has). */
  readonly roles?: readonly PkiHostRole[];
  /** Where the files go on the host (default /etc/kubernetes). */
  readonly remoteDir?: string;
  /** Handlers to notify when a file changes (restart what reads it); a function decides per host path. */
  readonly notify?: Notify | ((path: string) => Notify | undefined);
  readonly tags?: readonly string[];
  /** Only the files whose host path this accepts (a role that needs one file of the share). */
  readonly only?: (path: string) => boolean;
}

/** The controller's pki directory: `pki_dir` from the inventory vars, default .tsplay/pki/<cluster name>. */
export function pkiDir(cluster: Cluster, spec: PkiSpec): string {
  const v = cluster.vars['pki_dir'];
  if (v !== undefined && typeof v !== 'string') throw new ConfigError(`expected a directory path, got ${JSON.stringify(v)}`, 'vars.pki_dir');
  return resolve(v ?? `.tsplay/pki/${spec.clusterName}`);
}

/** One ensurePki per pki directory per run (per prepare context), however many hosts push files. */
const runs = new WeakMap<PrepareContext, Map<string, Promise<PkiReport>>>();

function ensureOnce(spec: PkiSpec, dir: string, ctx: PrepareContext): Promise<PkiReport> {
  let perDir = runs.get(ctx);
  if (!perDir) runs.set(ctx, (perDir = new Map()));
  let p = perDir.get(dir);
  if (!p) {
    p = ensurePki(spec, dir, { mode: ctx.mode, ...renewRequested() }).then((report) => {
      ctx.note('pki', formatPkiReport(report));
      if (report.errors > 0) throw new ConfigError(`the PKI needs a decision, nothing was overwritten: fix or remove the files named below (a removed certificate is re-issued)\n${formatPkiReport(report)}`, dir);
      return report;
    });
    perDir.set(dir, p);
  }
  return p;
}

/**
 * The explicit renew option, for one run: TSPLAY_PKI_RENEW=apiserver,kubelet:node-1 (catalogue ids) or
 * `all` (every leaf certificate; CAs and the service-account key only by name). An environment variable,
 * not an inventory var, so that it cannot stay behind and re-issue on every run.
 */
export function renewRequested(env: NodeJS.ProcessEnv = process.env): { renew?: readonly string[] | 'all' } {
  const raw = env['TSPLAY_PKI_RENEW']?.trim();
  if (!raw) return {};
  return { renew: raw === 'all' ? 'all' : raw.split(',').map((s) => s.trim()).filter(Boolean) };
}

/** Files of items that check mode says would be issued: their current content is not what apply would push. */
const pendingFiles = (r: PkiReport): Set<string> => new Set(r.items.filter((i) => i.status === 'would-issue').flatMap((i) => i.files));

export function pkiFiles(cluster: Cluster, host: Host, o: PkiFilesOptions = {}): AnyResource[] {
  const spec = pkiSpecFromCluster(cluster);
  const dir = pkiDir(cluster, spec);
  const placements = pkiPlacementsFor(spec, host.name, o.roles, o.remoteDir ? { remoteDir: o.remoteDir } : {}).filter((p) => !o.only || o.only(p.path));
  const notifyOf = (path: string) => (typeof o.notify === 'function' ? o.notify(path) : o.notify);
  const tags = o.tags ? { tags: o.tags } : {};
  const root = (o.remoteDir ?? '/etc/kubernetes').replace(/\/$/, '');
  // Every directory from the root down to each file, parents first.
  const dirs = [...new Set(placements.flatMap((p) => ancestors(p.path, root)))].sort();
  return [
    ...dirs.map((path) => directory({ path, mode: 0o755, ...tags })),
    ...placements.map((p) => generatedFile({
      path: p.path, mode: p.mode, owner: p.owner, secret: p.secret, ...tags,
      ...(notifyOf(p.path) !== undefined ? { notify: notifyOf(p.path)! } : {}),
      pendingNote: `issued by the PKI step: ${p.source}`,
      ...(isCa(p.source) ? { refuseReplace: `it holds another CA than ${dir}/${p.source}. This controller's pki directory is not the one the cluster was built with: restore that directory (or run playbooks/reset.ts to start the cluster over)` } : {}),
      async load(ctx) {
        const report = await ensureOnce(spec, dir, ctx);
        if (ctx.mode === 'check' && pendingFiles(report).has(p.source)) return undefined;
        const text = await readPkiFile(dir, p.source);
        if (text === undefined) {
          if (ctx.mode === 'check') return undefined;
          throw new ConfigError(`${p.source} is missing after the PKI step`, dir);
        }
        return p.secret ? secret(text) : text;
      },
    })),
  ];
}

/** `root` and every directory between it and `path`'s parent. */
function ancestors(path: string, root: string): string[] {
  const parts = path.slice(root.length + 1).split('/').slice(0, -1);
  return [root, ...parts.map((_, i) => `${root}/${parts.slice(0, i + 1).join('/')}`)];
}

/** A CA certificate: replacing it on a running cluster breaks every member's trust in the others. */
const isCa = (source: string): boolean => /(^|\/)(ca|front-proxy-ca)\.crt$/.test(source);
