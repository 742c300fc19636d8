/**
 * Every built-in resource on a real Debian host (a lab host) over SSH through the shell driver: the first
 * plan lists every change, apply converges, the second plan lists none, and each plan is ONE round trip.
 * The host is reset before and after, so the suite can run again on the same lab. Needs a lab of 3+ hosts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Connection } from '../../lib/core/connection.js';
import { type AnyResource, changeLabel } from '../../lib/core/resource.js';
import {
  absent,
  artifact,
  command,
  directory,
  file,
  group,
  kernelModule,
  line,
  pkg,
  restart,
  service,
  sysctl,
  template,
  unit,
  user,
} from '../../lib/resources/index.js';
import { changedIds, changesById, converge } from '../../lib/testing/converge.js';
import { applyPlan, plan } from '../../lib/runner/pass.js';
import { connectSsh } from '../../lib/transport/ssh.js';
import { shellDriver } from '../../lib/transport/shell-driver.js';
import { buildDeb, type DebFixture } from './deb-fixture.js';
import { asHost, paths, requireLab } from './lab-hosts.js';
import { recording, type Call } from './recording-driver.js';

const D = '/srv/tsplay-res';
const UNIT = 'tsplay-sleep.service';
const unitText = (arg: string) => `[Unit]\nDescription=tsplay test sleeper\n[Service]\nExecStart=/bin/sleep ${arg}\n[Install]\nWantedBy=multi-user.target\n`;

/** Undo everything the suite does, so its first plans always have work to do. */
const RESET = [
  `systemctl disable --now ${UNIT} >/dev/null 2>&1; rm -f /etc/systemd/system/${UNIT}; systemctl daemon-reload`,
  'userdel tsplay-svc 2>/dev/null; groupdel tsplay-ops 2>/dev/null',
  'dpkg -P tsplay-hello >/dev/null 2>&1; rm -f /etc/apt/sources.list.d/tsplay-test.list /var/lib/apt/lists/_srv_tsplay-res_*',
  'rm -f /etc/sysctl.d/90-tsplay-net.ipv4.ip_forward.conf /etc/modules-load.d/br_netfilter.conf /etc/modules-load.d/overlay.conf',
  'echo 0 >/proc/sys/net/ipv4/ip_forward',
  `rm -rf ${D}`,
  'true',
].join('\n');

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

describe('built-in resources on a real Debian host over SSH', function () {
  this.timeout(60_000);
  let conn: Connection;
  let calls: Call[];
  let converged: (rs: readonly AnyResource[]) => ReturnType<typeof converge>;
  let sh: (cmd: string) => Promise<string>;
  let local: string;
  let deb: DebFixture;

  before(async function () {
    const state = await requireLab(this, 3);
    conn = await connectSsh(asHost(state.hosts[2]!), { knownHosts: paths.knownHosts, connectTimeoutMs: 5000 });
    const rec = recording(shellDriver(conn));
    calls = rec.calls;
    /** converge, then the contract: no failure, every resource changed once, nothing left, one trip per plan. */
    converged = async (rs) => {
      calls.length = 0;
      const c = await converge(rec.driver, rs);
      assert.equal(c.applied.failure, undefined, `${c.applied.failure?.id}: ${c.applied.failure?.stderr}`);
      assert.deepEqual(
        changedIds(c.first),
        rs.map((r) => r.id),
      );
      assert.deepEqual(changesById(c.second), {});
      assert.deepEqual(
        calls.filter((x) => x.kind === 'query').map((x) => x.trips),
        [1, 1],
        'one round trip per plan',
      );
      return c;
    };
    sh = async (cmd) => {
      const r = await conn.exec(cmd);
      assert.equal(r.exitCode, 0, `${cmd}: ${r.stderr}`);
      return r.stdout;
    };
    await sh(RESET);
    local = mkdtempSync(join(tmpdir(), 'tsplay-res-'));
    deb = buildDeb(local);
  });
  after(async () => {
    await conn?.exec(RESET);
    await conn?.close();
    if (local) rmSync(local, { recursive: true, force: true });
  });

  it('file, directory, template, line and absent', async () => {
    await sh(`mkdir -p ${D}/stale && touch ${D}/stale/x && printf 'a=1\\nport=1\\n' >${D}/app.conf`);
    const rs = [
      directory({ path: `${D}/etc`, mode: 0o750, owner: 'nobody', group: 'nogroup' }),
      file({ path: `${D}/etc/motd`, content: "it's $HOME `x`\n", mode: 0o640 }),
      template(`${D}/etc/app.yaml`, (v: { port: number }) => `port: ${v.port}\n`, { port: 2379 }),
      line({ path: `${D}/app.conf`, line: 'port=2379', match: /^port=/ }),
      absent({ path: `${D}/stale` }),
    ];
    const { first } = await converged(rs);
    assert.deepEqual(changesById(first)[`line:${D}/app.conf:^port=`], [{ field: 'content', diff: { before: 'a=1\nport=1\n', after: 'a=1\nport=2379\n' } }]);
    assert.equal(await sh(`stat -c '%a %U %G' ${D}/etc ${D}/etc/motd ${D}/etc/app.yaml`), '750 nobody nogroup\n640 root root\n644 root root\n');
    assert.equal(await sh(`cat ${D}/etc/motd ${D}/etc/app.yaml ${D}/app.conf; ls ${D}`), "it's $HOME `x`\nport: 2379\na=1\nport=2379\napp.conf\netc\n");
    assert.equal(
      calls
        .filter((x) => x.kind === 'act')
        .map((x) => x.trips)
        .join(),
      '1',
      'all changes in one script',
    );
  });

  it('sysctl: a net.* key at run time and persisted; a read-only vm.* key fails clearly', async () => {
    await converged([sysctl({ key: 'net.ipv4.ip_forward', value: 1 })]);
    assert.equal(await sh('cat /proc/sys/net/ipv4/ip_forward /etc/sysctl.d/90-tsplay-net.ipv4.ip_forward.conf'), '1\nnet.ipv4.ip_forward = 1\n');
    const d = shellDriver(conn);
    const now = Number((await sh('cat /proc/sys/vm/swappiness')).trim());
    const p = await plan(d, [sysctl({ key: 'vm.swappiness', value: now + 1, file: `${D}/swappiness.conf` })]);
    const applied = await applyPlan(d, p);
    assert.equal(applied.failure?.id, 'sysctl:vm.swappiness');
    assert.match(applied.failure!.stderr, /swappiness: Read-only file system/);
  });

  it('kernelModule: a module built into the running kernel counts as loaded and is persisted; a missing one fails', async () => {
    const { first } = await converged([kernelModule({ name: 'br_netfilter' }), kernelModule({ name: 'overlay' })]);
    assert.deepEqual(
      first.planned.flatMap((x) => x.changes.map((c) => c.field)).filter((f) => f === 'loaded'),
      [],
      'nothing to modprobe',
    );
    assert.equal(await sh('cat /etc/modules-load.d/br_netfilter.conf /etc/modules-load.d/overlay.conf'), 'br_netfilter\noverlay\n');
    const d = shellDriver(conn);
    const p = await plan(d, [kernelModule({ name: 'tsplay_no_such_module' })]);
    assert.deepEqual(p.planned[0]!.changes[0], { field: 'loaded', before: 'no', after: 'yes' });
    const applied = await applyPlan(d, p);
    assert.equal(applied.failure?.id, 'module:tsplay_no_such_module');
    assert.match(applied.failure!.stderr, /modprobe: FATAL: Module tsplay_no_such_module not found/);
  });

  it('pkg: installed packages are a no-op; a package from a local file: repository installs and removes offline', async () => {
    const d = recording(shellDriver(conn));
    const noop = await converge(d.driver, [pkg({ names: ['openssh-server', 'procps'] })]);
    assert.deepEqual(changedIds(noop.first), []);
    assert.deepEqual(
      d.calls.map((x) => x.kind),
      ['query', 'query'],
      'nothing to apply',
    );

    await converged([
      artifact({ url: pathToFileURL(deb.path).href, sha256: deb.sha256, path: `${D}/repo/${deb.file}`, mode: 0o644, cacheDir: join(local, 'cache') }),
      file({ path: `${D}/repo/Packages`, content: deb.packages }),
      file({ path: '/etc/apt/sources.list.d/tsplay-test.list', content: `deb [trusted=yes] file:${D}/repo ./\n` }),
    ]);
    await converged([pkg({ names: [deb.name] })]);
    assert.match(await sh(`dpkg-query -W -f='\${db:Status-Abbrev}\${Version}' ${deb.name}`), /^ii +1\.0$/);
    await converged([pkg({ names: [deb.name], state: 'absent' })]);
    assert.equal((await conn.exec(`dpkg-query -W -f='\${db:Status-Abbrev}' ${deb.name} | grep -q '^ii'`)).exitCode, 1);
  });

  it("pkg: a package no source has fails with apt-get's reason, without hanging", async () => {
    const d = shellDriver(conn);
    const started = Date.now();
    const applied = await applyPlan(d, await plan(d, [pkg({ names: ['tsplay-no-such-package'] })]));
    assert.equal(applied.failure?.id, 'package:tsplay-no-such-package');
    assert.match(applied.failure!.stderr, /Unable to locate package tsplay-no-such-package/);
    // Lab hosts tell apt not to retry the mirror they cannot reach: the failure comes at once.
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  });

  it('unit + service: written, daemon-reloaded, enabled and started; reloaded only when the unit changed; restart handler', async () => {
    await converged([unit({ name: UNIT, content: unitText('infinity') }), service({ name: UNIT, enabled: true })]);
    const systemctl = () =>
      calls
        .flatMap((x) => x.actions)
        .filter((a) => a.a === 'systemctl')
        .map((a) => `${a.verb}${'unit' in a && a.unit ? ` ${a.unit}` : ''}`);
    assert.deepEqual(systemctl(), ['daemon-reload', `enable ${UNIT}`, `start ${UNIT}`]);
    assert.equal(await sh(`systemctl is-enabled ${UNIT}; systemctl is-active ${UNIT}`), 'enabled\nactive\n');
    const pid = async () => (await sh(`systemctl show -p MainPID --value ${UNIT}`)).trim();
    const first = await pid();
    assert.notEqual(first, '0');

    // A mode-only drift is fixed without a daemon-reload.
    await sh(`chmod 600 /etc/systemd/system/${UNIT}`);
    await converged([unit({ name: UNIT, content: unitText('infinity') })]);
    assert.deepEqual(systemctl(), []);
    assert.equal(await sh(`systemctl show -p NeedDaemonReload --value ${UNIT}`), 'no\n');

    // A changed definition is reloaded, and the restart handler runs it.
    await converged([unit({ name: UNIT, content: unitText('99999') })]);
    assert.deepEqual(systemctl(), ['daemon-reload']);
    assert.equal(await sh(`systemctl show -p NeedDaemonReload --value ${UNIT}`), 'no\n');
    assert.deepEqual(await shellDriver(conn).act([restart(UNIT)]), { ok: true });
    assert.notEqual(await pid(), first);
    assert.match(await sh(`ps -o args= -p ${await pid()}`), /^\/bin\/sleep 99999$/m);
  });

  it('user and group', async () => {
    await converged([
      group({ name: 'tsplay-ops', system: true }),
      user({ name: 'tsplay-svc', system: true, shell: '/usr/sbin/nologin', home: '/var/lib/tsplay-svc', groups: ['tsplay-ops'] }),
    ]);
    assert.match(await sh('getent passwd tsplay-svc'), /^tsplay-svc:x:\d+:\d+::\/var\/lib\/tsplay-svc:\/usr\/sbin\/nologin\n$/);
    assert.match(await sh('id -Gn tsplay-svc'), /\btsplay-ops\b/);
    await converged([user({ name: 'tsplay-svc', state: 'absent' }), group({ name: 'tsplay-ops', state: 'absent' })]);
    assert.equal((await conn.exec('getent passwd tsplay-svc || getent group tsplay-ops')).exitCode, 2);
  });

  it('command with creates and unless runs once', async () => {
    await sh(`mkdir -p ${D}`);
    await converged([
      command({ command: `echo created >>${D}/ran.log; touch ${D}/done`, creates: `${D}/done` }),
      command({ command: `echo unless >>${D}/ran.log`, unless: `grep -q unless ${D}/ran.log` }),
    ]);
    assert.equal(await sh(`cat ${D}/ran.log`), 'created\nunless\n');
  });

  it('artifact: a binary and files from an archive, from file:// URLs, uploaded once', async () => {
    const bin = '#!/bin/sh\necho stand-in 1.0\n';
    writeFileSync(join(local, 'tool'), bin);
    mkdirSync(join(local, 'src/tool-1.0'), { recursive: true });
    writeFileSync(join(local, 'src/tool-1.0/tool'), bin);
    writeFileSync(join(local, 'src/tool-1.0/toolctl'), '#!/bin/sh\necho ctl\n');
    execFileSync('tar', ['-czf', join(local, 'tool.tar.gz'), '-C', join(local, 'src'), 'tool-1.0']);
    const cacheDir = join(local, 'cache');
    await converged([
      artifact({ url: pathToFileURL(join(local, 'tool')).href, sha256: sha(bin), path: `${D}/bin/tool`, cacheDir }),
      artifact({
        url: pathToFileURL(join(local, 'tool.tar.gz')).href,
        sha256: sha(readFileSync(join(local, 'tool.tar.gz'))),
        extract: { files: ['tool-1.0/tool', 'tool-1.0/toolctl'], dest: `${D}/opt` },
        cacheDir,
      }),
    ]);
    assert.equal(await sh(`${D}/bin/tool; ${D}/opt/toolctl; stat -c %a ${D}/bin/tool ${D}/opt/tool`), 'stand-in 1.0\nctl\n755\n755\n');
    const uploads = () =>
      calls
        .flatMap((x) => x.actions)
        .filter((a) => a.a === 'upload')
        .map((a) => a.path);
    assert.deepEqual(uploads(), [`${D}/bin/tool`, `${D}/opt/tool`, `${D}/opt/toolctl`]);
    // Only a file that differs travels again.
    await sh(`echo tampered >${D}/opt/toolctl`);
    const { first } = await converged([
      artifact({
        url: pathToFileURL(join(local, 'tool.tar.gz')).href,
        sha256: sha(readFileSync(join(local, 'tool.tar.gz'))),
        extract: { files: ['tool-1.0/tool', 'tool-1.0/toolctl'], dest: `${D}/opt` },
        cacheDir,
      }),
    ]);
    assert.deepEqual(first.planned[0]!.changes.map(changeLabel), [`${D}/opt/toolctl sha256`]);
    assert.deepEqual(uploads(), [`${D}/opt/toolctl`]);
    assert.equal(calls.find((x) => x.kind === 'act')!.trips, 1, 'one put, no script');
  });
});
