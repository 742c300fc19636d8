/**
 * Actions applied to a fake host's state, with the failures a real host would give (HostFailure) and
 * loud errors for calls that cannot be right (FakeMisuse).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { landFetched } from '../core/fetched.js';
import { noteFallback } from '../core/mirror-fallback.js';
import type { Action } from '../core/ops.js';
import { checkDoor } from './fake-door.js';
import { FakeMisuse, HostFailure } from './fake-failure.js';
import type { NodeAttrs } from './fake-fs.js';
import type { FakeState } from './fake-state.js';
import { readTar } from './fake-tar.js';

type Of<K extends Action['a']> = Extract<Action, { a: K }>;

/** chown refuses names the host does not know: a missing user resource shows up here. */
function attrs(s: FakeState, a: NodeAttrs): NodeAttrs {
  if (a.owner !== undefined && !s.users.has(a.owner)) throw new HostFailure(1, `chown: invalid user: '${a.owner}'`);
  if (a.group !== undefined && !s.groups.has(a.group)) throw new HostFailure(1, `chgrp: invalid group: '${a.group}'`);
  return {
    ...(a.mode !== undefined ? { mode: a.mode } : {}),
    ...(a.owner !== undefined ? { owner: a.owner } : {}),
    ...(a.group !== undefined ? { group: a.group } : {}),
  };
}

function pkg(s: FakeState, a: Of<'package'>): void {
  const have = s.facts.packageManager;
  if (a.manager !== have) throw new HostFailure(127, `sh: 1: ${a.manager === 'apt' ? 'apt-get' : a.manager}: not found`);
  for (const name of a.names) {
    if (a.state === 'absent') {
      s.installed.delete(name);
      continue;
    }
    const spec = s.catalog.get(name);
    if (!spec) throw new HostFailure(100, a.manager === 'apt' ? `E: Unable to locate package ${name}` : `Error: Unable to find a match: ${name}`);
    const pin = a.versions?.[name];
    if (pin !== undefined && pin !== spec.version && !spec.versions?.includes(pin)) {
      throw new HostFailure(100, a.manager === 'apt' ? `E: Version '${pin}' for '${name}' was not found` : `Error: Unable to find a match: ${name}-${pin}`);
    }
    s.installed.set(name, pin ?? spec.version ?? '1.0');
    for (const [path, content] of Object.entries(spec.files ?? {})) {
      s.fs.mkdirp(path.slice(0, path.lastIndexOf('/')) || '/');
      s.fs.write(path, Buffer.from(content));
    }
  }
  // Package scripts reload systemd after installing unit files, as deb-systemd-helper and %systemd_post do.
  s.daemonReload();
}

function systemctl(s: FakeState, a: Of<'systemctl'>): void {
  if (a.verb === 'daemon-reload') {
    s.daemonReload();
    return;
  }
  const unit = a.unit ?? '';
  const file = s.unitFile(unit);
  if (file === undefined) throw new HostFailure(a.verb === 'enable' || a.verb === 'disable' ? 1 : 5, `Failed to ${a.verb} ${unit}: Unit ${unit} not found.`);
  const st = s.services.get(unit) ?? { enabled: false, active: false };
  s.services.set(unit, st);
  if ((a.verb === 'start' || a.verb === 'restart' || a.verb === 'reload') && s.loadedUnits.get(unit) !== file) {
    throw new FakeMisuse(`systemctl ${a.verb} ${unit}: the unit file changed since the last daemon-reload (systemd would run the old definition)`);
  }
  if (a.verb === 'reload' && !st.active) throw new HostFailure(1, `Job for ${unit} failed: unit is not active.`);
  if (a.verb === 'enable' || a.verb === 'disable') st.enabled = a.verb === 'enable';
  if (a.verb === 'start' || a.verb === 'restart') st.active = true;
  if (a.verb === 'stop') st.active = false;
}

function user(s: FakeState, a: Of<'user'>): void {
  const u = s.users.get(a.name);
  if (a.state === 'absent') {
    s.users.delete(a.name);
    return;
  }
  for (const g of a.groups ?? []) if (!s.groups.has(g)) throw new HostFailure(6, `${u ? 'usermod' : 'useradd'}: group '${g}' does not exist`);
  if (u) {
    Object.assign(u, { ...(a.home ? { home: a.home } : {}), ...(a.shell ? { shell: a.shell } : {}) });
    u.groups = [...new Set([...u.groups, ...(a.groups ?? [])])];
    return;
  }
  const gid =
    s.groups.get(a.name)?.gid ??
    s.nextId(
      [...s.groups.values()].map((g) => g.gid),
      !!a.system,
    );
  s.groups.set(a.name, { gid });
  const entry = {
    uid: s.nextId(
      [...s.users.values()].map((x) => x.uid),
      !!a.system,
    ),
    gid,
    home: a.home ?? `/home/${a.name}`,
    shell: a.shell ?? (a.system ? '/usr/sbin/nologin' : '/bin/sh'),
    groups: [...(a.groups ?? [])],
  };
  s.users.set(a.name, entry);
  if (a.create) s.fs.mkdirp(entry.home, { mode: 0o750, owner: a.name, group: a.name });
}

function group(s: FakeState, a: Of<'group'>): void {
  if (a.state === 'absent') s.groups.delete(a.name);
  else if (!s.groups.has(a.name))
    s.groups.set(a.name, {
      gid: s.nextId(
        [...s.groups.values()].map((g) => g.gid),
        !!a.system,
      ),
    });
}

/** As the shell driver does: with a mirror URL the host fetches it (FakeState.web), else it falls back to SSH, saying so. */
function upload(s: FakeState, a: Of<'upload'>): void {
  const fetched = a.url === undefined ? undefined : s.web.get(a.url);
  if (a.url !== undefined && fetched === undefined) noteFallback(s.facts.hostname, a.path, `curl: (7) Failed to connect to ${new URL(a.url).host}`);
  if (fetched !== undefined) {
    const got = createHash('sha256').update(fetched).digest('hex');
    if (got !== a.sha256)
      throw new HostFailure(
        1,
        `fetch of ${a.path} from ${a.url} failed: sha256 mismatch for ${a.url}: expected ${a.sha256}, got ${got} (${a.path} left as it was)`,
      );
    s.fs.write(a.path, fetched, attrs(s, a));
    return;
  }
  const bytes = readFileSync(a.from);
  const got = createHash('sha256').update(bytes).digest('hex');
  if (got !== a.sha256) throw new HostFailure(1, `upload ${a.from} -> ${a.path}: sha256 ${got} is not the expected ${a.sha256}`);
  s.fs.write(a.path, bytes, attrs(s, a));
}

/** As the shell driver does: the host's file, hashed, landed on the controller (core/fetched.ts). */
function fetch(s: FakeState, a: Of<'fetch'>): void {
  const node = s.fs.get(a.path);
  if (node?.type !== 'file') throw new HostFailure(1, `sha256sum: ${a.path}: No such file or directory`);
  landFetched(a.to, node.content, createHash('sha256').update(node.content).digest('hex'), a.keep);
}

function extract(s: FakeState, a: Of<'extract'>): void {
  const archive = s.fs.get(a.archive);
  if (archive?.type !== 'file') throw new HostFailure(2, `tar: ${a.archive}: Cannot open: No such file or directory`);
  const members = readTar(archive.content);
  const wanted = a.files.length ? a.files : [...members.keys()];
  s.fs.mkdirp(a.dest);
  for (const f of wanted) {
    const bytes = members.get(f);
    if (!bytes) throw new HostFailure(2, `tar: ${f}: Not found in archive`);
    s.fs.write(`${a.dest.replace(/\/$/, '')}/${f.split('/').pop()}`, bytes, attrs(s, a));
  }
}

function sysctl(s: FakeState, a: Of<'sysctl'>): void {
  const name = s.sysctlName(a.key);
  if (name === undefined)
    throw new HostFailure(2, `sh: 1: cannot create /proc/sys/${a.key.includes('/') ? a.key : a.key.replace(/\./g, '/')}: Directory nonexistent`);
  s.sysctls.set(name, a.value);
}

function modprobe(s: FakeState, name: string): void {
  s.modules.add(name.replace(/-/g, '_'));
  // Loading br_netfilter creates its sysctls, as on a real kernel.
  if (name.replace(/-/g, '_') === 'br_netfilter')
    for (const k of ['net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-ip6tables']) if (!s.sysctls.has(k)) s.sysctls.set(k, '1');
}

function command(s: FakeState, a: Of<'command'>): void {
  const r = s.run(a.command, a.stdin);
  if (r.exitCode !== 0) throw new HostFailure(r.exitCode, r.stderr);
}

export function applyAction(s: FakeState, a: Action): void {
  checkDoor(a);
  switch (a.a) {
    case 'write':
      s.fs.write(a.path, typeof a.content === 'string' ? Buffer.from(a.content) : a.content, attrs(s, a));
      return;
    case 'upload':
      upload(s, a);
      return;
    case 'fetch':
      fetch(s, a);
      return;
    case 'mkdir':
      s.fs.mkdirp(a.path, attrs(s, a));
      return;
    case 'attrs':
      s.fs.setAttrs(a.path, attrs(s, a));
      return;
    case 'remove':
      s.fs.remove(a.path);
      return;
    case 'extract':
      extract(s, a);
      return;
    case 'package':
      pkg(s, a);
      return;
    case 'systemctl':
      systemctl(s, a);
      return;
    case 'sysctl':
      sysctl(s, a);
      return;
    case 'modprobe':
      modprobe(s, a.name);
      return;
    case 'user':
      user(s, a);
      return;
    case 'group':
      group(s, a);
      return;
    case 'command':
      command(s, a);
      return;
  }
}
