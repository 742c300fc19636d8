/**
 * repository: a package repository the host trusts by its signing key. On the Debian family an apt
 * deb822 source (/etc/apt/sources.list.d/NAME.sources) whose Signed-By names the key beside it
 * (/etc/apt/keyrings/NAME.asc), so the key vouches for this repository only; on the RHEL family a .repo
 * file with gpgcheck=1 and the key in /etc/pki/rpm-gpg. A repository without a key is refused: an
 * unsigned source lets anyone on the path hand the host packages.
 *
 * When the source or key changes, that repository's index is refreshed in the same apply (apt-get update
 * of this source only; dnf/yum makecache of this repo), so a pkg later in the role sees its packages.
 */
import { q, type Action, type FileState, type HostFacts } from '../core/ops.js';
import type { Change } from '../core/resource.js';
import { defineResource, type Resource } from '../core/resource.js';
import { meta, type Common } from './common.js';
import { TEXT_LIMIT } from './content.js';
import { managedFile, type ManagedFile } from './managed-file.js';

export interface AptSource {
  /** e.g. https://download.docker.com/linux/debian, or file:/srv/repo for a local mirror. */
  readonly uris: string;
  /** `{codename}` becomes the host's VERSION_CODENAME (bookworm, jammy); a flat repository is `./`. */
  readonly suites: string;
  /** Empty (the default) for a flat repository. */
  readonly components?: readonly string[];
  readonly architectures?: readonly string[];
}

export interface DnfSource {
  /** dnf's own variables ($releasever, $basearch) stay for dnf to expand. */
  readonly baseurl: string;
  readonly description?: string;
}

export interface RepositoryOptions extends Common {
  /** Names the files and, on the RHEL family, the repo id. */
  readonly name: string;
  /** The ASCII-armored OpenPGP public key(s) the repository is signed with. */
  readonly key: string;
  /** Per family, like pkg's names: a family without a source has nothing to do (Docker's repo on RHEL only). */
  readonly apt?: AptSource;
  readonly dnf?: DnfSource;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const URL = /^(https?|ftp|file):\S+$/;
const WORD = /^[A-Za-z0-9._~+-]+$/;
const SUITE = /^(\.\/|[A-Za-z0-9._~+/{}-]+)$/;
const ARMOR = /-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]+-----END PGP PUBLIC KEY BLOCK-----/;

function refuse(name: string, what: string): never {
  throw new Error(`repository ${name}: ${what}`);
}

/** Every value lands in a file a package manager parses line by line: refuse what would add a line or a field. */
function validate(o: RepositoryOptions): void {
  const n = o.name;
  if (!NAME.test(n)) refuse(JSON.stringify(n), 'the name may hold letters, digits, _ . - and must not start with - or .');
  if (!o.key || !ARMOR.test(o.key))
    refuse(n, 'needs its signing key as an ASCII-armored OpenPGP public key (-----BEGIN PGP PUBLIC KEY BLOCK-----): a repository without a key is refused');
  if (!o.apt && !o.dnf) refuse(n, 'give an apt source, a dnf source, or both');
  if (o.apt) {
    if (!URL.test(o.apt.uris)) refuse(n, `apt.uris must be one http(s)://, ftp:// or file: URL, got ${JSON.stringify(o.apt.uris)}`);
    if (!SUITE.test(o.apt.suites)) refuse(n, `apt.suites must be a suite such as {codename}, stable or ./, got ${JSON.stringify(o.apt.suites)}`);
    for (const w of [...(o.apt.components ?? []), ...(o.apt.architectures ?? [])])
      if (!WORD.test(w)) refuse(n, `invalid apt component or architecture ${JSON.stringify(w)}`);
    if (o.apt.suites.endsWith('/') && o.apt.components?.length) refuse(n, 'a flat repository (a suite ending in /) takes no components');
  }
  if (o.dnf) {
    if (!URL.test(o.dnf.baseurl)) refuse(n, `dnf.baseurl must be one http(s)://, ftp:// or file: URL, got ${JSON.stringify(o.dnf.baseurl)}`);
    if (o.dnf.description !== undefined && /[\0-\x1f\x7f]/.test(o.dnf.description)) refuse(n, 'dnf.description must be one line without control characters');
  }
}

export const aptPaths = (name: string) => ({ key: `/etc/apt/keyrings/${name}.asc`, source: `/etc/apt/sources.list.d/${name}.sources` });
export const dnfPaths = (name: string) => ({ key: `/etc/pki/rpm-gpg/RPM-GPG-KEY-${name}`, source: `/etc/yum.repos.d/${name}.repo` });

function debSources(name: string, a: AptSource, facts: HostFacts): string {
  let suites = a.suites;
  if (suites.includes('{codename}')) {
    if (!facts.os.codename) refuse(name, `apt.suites uses {codename}, but ${facts.os.id} ${facts.os.version} reports no VERSION_CODENAME`);
    suites = suites.replaceAll('{codename}', facts.os.codename);
  }
  return [
    '# Managed by tsplay; edits are overwritten.',
    'Types: deb',
    `URIs: ${a.uris}`,
    `Suites: ${suites}`,
    ...(a.components?.length ? [`Components: ${a.components.join(' ')}`] : []),
    ...(a.architectures?.length ? [`Architectures: ${a.architectures.join(' ')}`] : []),
    `Signed-By: ${aptPaths(name).key}`,
    '',
  ].join('\n');
}

function dnfRepo(name: string, d: DnfSource): string {
  return [
    '# Managed by tsplay; edits are overwritten.',
    `[${name}]`,
    `name=${d.description ?? name}`,
    `baseurl=${d.baseurl}`,
    'enabled=1',
    'gpgcheck=1',
    `gpgkey=file://${dnfPaths(name).key}`,
    '',
  ].join('\n');
}

/** Refresh this repository's index only: the host's other sources are not asked (they may be unreachable). */
function refresh(name: string, facts: HostFacts): Action {
  if (facts.packageManager === 'apt') {
    const source = aptPaths(name).source;
    return { a: 'command', command: `apt-get update -q -o Dir::Etc::SourceList=${source} -o Dir::Etc::SourceParts=- -o APT::Get::List-Cleanup=0` };
  }
  return { a: 'command', command: `${facts.packageManager} makecache -y --disablerepo='*' --enablerepo=${name}` };
}

export function repository(o: RepositoryOptions): Resource<FileState[]> {
  validate(o);
  const files = (family: 'apt' | 'dnf', facts: HostFacts): [ManagedFile, ManagedFile] => {
    const p = family === 'apt' ? aptPaths(o.name) : dnfPaths(o.name);
    const text = family === 'apt' ? debSources(o.name, o.apt!, facts) : dnfRepo(o.name, o.dnf!);
    return [managedFile({ path: p.key, content: o.key, mode: 0o644 }), managedFile({ path: p.source, content: text, mode: 0o644 })];
  };
  // Queries are fixed before facts are known: ask about the files of every family given, check picks one.
  const families = [...(o.apt ? ['apt' as const] : []), ...(o.dnf ? ['dnf' as const] : [])];
  const paths = families.flatMap((f) => Object.values(f === 'apt' ? aptPaths(o.name) : dnfPaths(o.name)));
  /** The family this host uses and where its two answers sit among the queries; undefined: none given for it. */
  const pick = (facts: HostFacts): { family: 'apt' | 'dnf'; at: number } | undefined => {
    const family = facts.os.family === 'debian' ? 'apt' : facts.os.family === 'redhat' ? 'dnf' : undefined;
    if (!family) refuse(o.name, `no repository support for ${facts.os.id} (Debian and RHEL families only)`);
    const i = families.indexOf(family);
    return i < 0 ? undefined : { family, at: i * 2 };
  };
  /** Per file (key, source), its changes with the file named, so the report says which one. */
  const perFile = (answers: readonly FileState[], facts: HostFacts) => {
    const p = pick(facts);
    return p ? files(p.family, facts).map((m, k) => ({ m, changes: m.check(answers[p.at + k]!) })) : [];
  };
  return defineResource<FileState[]>({
    ...meta(
      `repository:${o.name}`,
      o,
      paths.map((p) => `path:${p}`),
      paths.map((p) => `path:${p}`),
    ),
    // Small text, fetched to diff: what managedFile asks of a key or a source file.
    queries: paths.map((p) => q.file(p, { content: TEXT_LIMIT })),
    check(answers, facts): Change[] {
      return perFile(answers, facts).flatMap(({ changes }, k) => changes.map((c) => ({ ...c, part: k === 0 ? 'key' : 'source' })));
    },
    apply(answers, facts) {
      const { family } = pick(facts)!;
      const p = family === 'apt' ? aptPaths(o.name) : dnfPaths(o.name);
      // The directories ship with the package managers, but not everywhere (/etc/apt/keyrings is new in Debian 12).
      const dirs: Action[] = [p.key, p.source].map((f) => ({ a: 'mkdir', path: f.slice(0, f.lastIndexOf('/')), mode: 0o755 }));
      return [...dirs, ...perFile(answers, facts).flatMap(({ m, changes }) => (changes.length ? m.apply(changes) : [])), refresh(o.name, facts)];
    },
  });
}
