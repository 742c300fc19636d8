import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'mocha';
import type { Action } from '../../lib/core/ops.js';
import { doneGroups, planSteps, renderActScript, stderrOfLastGroup } from '../../lib/transport/shell-act.js';
import { renderAction, tempBeside } from '../../lib/transport/shell-actions.js';
import { moduleConfigSymbol, renderQueries, renderQuery, sysctlPath } from '../../lib/transport/shell-query.js';
import { attrLines, dquote, heredoc, parentDir, quote } from '../../lib/transport/shell-quote.js';

/** Run an action script the way the driver does (`sh -s`, the script on stdin): stdout, stderr, exit code. */
function runScript(script: string, env: NodeJS.ProcessEnv = process.env): { out: string; err: string; code: number } {
  try {
    return { out: execFileSync('sh', ['-s'], { input: script, env, stdio: ['pipe', 'pipe', 'pipe'] }).toString(), err: '', code: 0 };
  } catch (e) {
    const x = e as { stdout: Buffer; stderr: Buffer; status: number };
    return { out: String(x.stdout), err: String(x.stderr), code: x.status };
  }
}

/** What sh makes of a word: the real shell is the oracle. */
const echoed = (word: string) => execFileSync('sh', ['-c', `printf '%s' ${word}`]).toString();

describe('shell quoting', () => {
  const table = ['plain', '', 'two words', "it's", '$HOME `id` $(id) \\ "q"', 'new\nline', '*', '-n', 'ünïcødé', "''", 'end\\', '\\\n', '${x:-y}'];
  for (const s of table) it(`round-trips ${JSON.stringify(s)} through sh`, () => assert.equal(echoed(quote(s)), s));
  for (const s of table) it(`round-trips ${JSON.stringify(s)} through sh double-quoted`, () => assert.equal(echoed(dquote(s)), s));
  it('leaves safe words bare and refuses NUL', () => {
    assert.throws(() => dquote('a\0b'), /NUL/);
    assert.equal(quote('/etc/x.conf'), '/etc/x.conf');
    assert.throws(() => quote('a\0b'), /NUL/);
  });
  it('heredocs end on a delimiter base64 can never produce', () =>
    assert.match(heredoc('base64 -d', 'x'.repeat(200)), /^base64 -d <<'TSPLAY_EOF'\n[A-Za-z0-9+/=\n]+\nTSPLAY_EOF$/));
  it('attrs, paths', () => {
    assert.deepEqual(attrLines('/a b', { mode: 0o640, owner: 'u', group: 'g' }), ["chmod -- 0640 '/a b'", "chown -- u:g '/a b'"]);
    assert.deepEqual(attrLines('/a', { group: 'g' }), ['chgrp -- g /a']);
    assert.deepEqual([parentDir('/x'), parentDir('/a/b/'), tempBeside('/etc/x.conf', 's')], ['/', '/a', '/etc/.x.conf.tsplay-s']);
    assert.equal(sysctlPath('net.ipv4.conf.eth0/100.forwarding'), '/proc/sys/net.ipv4.conf.eth0/100.forwarding');
    assert.equal(sysctlPath('net.ipv4.ip_forward'), '/proc/sys/net/ipv4/ip_forward');
  });
});

describe('action rendering', () => {
  it('write: made under the umask of a mode without x bits (else 077), owner, then the mode (a default ACL beats the umask), then an atomic mv', () => {
    const lines = renderAction({ a: 'write', path: '/etc/x', content: 'hi', mode: 0o600, owner: 'root' }, 's');
    assert.deepEqual(lines, [
      'umask 0177',
      `printf '%s' "hi" >/etc/.x.tsplay-s`,
      'umask 022',
      'chown -- root /etc/.x.tsplay-s',
      'chmod -- 0600 /etc/.x.tsplay-s',
      'mv -f -- /etc/.x.tsplay-s /etc/x',
    ]);
    const exe = renderAction({ a: 'write', path: '/usr/local/bin/x', content: 'hi', mode: 0o755, group: 'g' }, 's');
    assert.deepEqual(exe.slice(2), [
      'umask 022',
      'chgrp -- g /usr/local/bin/.x.tsplay-s',
      'chmod -- 0755 /usr/local/bin/.x.tsplay-s',
      'mv -f -- /usr/local/bin/.x.tsplay-s /usr/local/bin/x',
    ]);
    assert.equal(exe[0], 'umask 077');
  });
  it('package: apt refreshes lists only when the first install fails; dnf plain', () => {
    assert.deepEqual(renderAction({ a: 'package', state: 'present', names: ['a', 'b'], manager: 'apt' }, 's'), [
      'apt-get install -y -q -- a b || { apt-get update -q && apt-get install -y -q -- a b; }',
    ]);
    // Pins: apt's name=version (allowed to go down to it), dnf's name-version.
    assert.deepEqual(renderAction({ a: 'package', state: 'present', names: ['a', 'b'], manager: 'apt', versions: { a: '1:2.0-1' } }, 's'), [
      'apt-get install -y -q --allow-downgrades -- a=1:2.0-1 b || { apt-get update -q && apt-get install -y -q --allow-downgrades -- a=1:2.0-1 b; }',
    ]);
    assert.deepEqual(renderAction({ a: 'package', state: 'present', names: ['a'], manager: 'dnf', versions: { a: '2.0-1.el9' } }, 's'), [
      'dnf install -y -- a-2.0-1.el9',
    ]);
    assert.deepEqual(renderAction({ a: 'package', state: 'absent', names: ['a'], manager: 'dnf' }, 's'), ['dnf remove -y -- a']);
  });
  it('user: add or modify (appending groups), never both', () => {
    assert.deepEqual(renderAction({ a: 'user', name: 'etcd', state: 'present', system: true, home: '/var/lib/etcd', groups: ['docker'] }, 's'), [
      'if getent passwd -- etcd >/dev/null; then usermod -d /var/lib/etcd -a -G docker -- etcd; elif getent group -- etcd >/dev/null; then useradd -r -M -g etcd -d /var/lib/etcd -G docker -- etcd; else useradd -r -M -d /var/lib/etcd -G docker -- etcd; fi',
    ]);
  });
  it('sysctl writes /proc/sys with the printf builtin; systemctl quotes the unit', () => {
    assert.deepEqual(renderAction({ a: 'sysctl', key: 'net.ipv4.ip_forward', value: '1' }, 's'), ["printf '%s\\n' 1 >/proc/sys/net/ipv4/ip_forward"]);
    assert.deepEqual(renderAction({ a: 'systemctl', verb: 'restart', unit: 'a b.service' }, 's'), ["systemctl restart -- 'a b.service'"]);
  });
  it('upload is never rendered into a script', () => assert.throws(() => renderAction({ a: 'upload', from: '/l', path: '/r', sha256: '' }, 's'), /put/));
});

describe('action batches', () => {
  const up = (path: string): Action => ({ a: 'upload', from: '/local', path, sha256: 'x' });
  it('an upload into an existing directory goes ahead of the script: 1 put + 1 script', () => {
    const steps = planSteps([[{ a: 'write', path: '/etc/a', content: '' }], [up('/usr/local/bin/etcd')], [{ a: 'systemctl', verb: 'daemon-reload' }]]);
    assert.deepEqual(
      steps.map((s) => (s.kind === 'script' ? `script ${s.parts.map((p) => p.group).join(',')}` : `upload ${s.group}`)),
      ['upload 1', 'script 0,2'],
    );
  });
  it('an upload into a directory made earlier in the batch waits for it', () => {
    const steps = planSteps([
      [{ a: 'mkdir', path: '/opt/cni' }],
      [{ a: 'mkdir', path: '/opt/cni/bin' }, up('/opt/cni/bin/bridge')],
      [{ a: 'command', command: 'x' }],
    ]);
    assert.deepEqual(
      steps.map((s) => (s.kind === 'script' ? `script ${s.parts.map((p) => p.group).join(',')}` : `upload ${s.group}`)),
      ['script 0,1', 'upload 1', 'script 2'],
    );
  });
  it('a package or command before an upload is flushed first (unknown effects)', () => {
    const steps = planSteps([[{ a: 'package', state: 'present', names: ['etcd'], manager: 'apt' }], [up('/etc/etcd/x')]]);
    assert.deepEqual(
      steps.map((s) => s.kind),
      ['script', 'upload'],
    );
  });
  it("enable and disable skip their own systemd reload after the script's daemon-reload, and only then", () => {
    const svc = (verb: 'enable' | 'disable' | 'start'): Action => ({ a: 'systemctl', verb, unit: 'web.service' });
    const systemctlLines = (parts: { group: number; actions: Action[] }[]) =>
      renderActScript(parts, '__b__', 's')
        .split('\n')
        .filter((l) => l.startsWith('systemctl'));
    assert.deepEqual(
      systemctlLines([
        { group: 0, actions: [svc('enable')] },
        { group: 1, actions: [{ a: 'systemctl', verb: 'daemon-reload' }] },
        { group: 2, actions: [svc('enable'), svc('start')] },
        { group: 3, actions: [svc('disable')] },
      ]),
      [
        'systemctl enable -- web.service',
        'systemctl daemon-reload',
        'systemctl enable --no-reload -- web.service',
        'systemctl start -- web.service',
        'systemctl disable --no-reload -- web.service',
      ],
    );
  });
  it('markers pin a failure to its group and its stderr', () => {
    const B = '__b__';
    const script = renderActScript(
      [
        { group: 0, actions: [{ a: 'command', command: 'echo zero >&2' }] },
        {
          group: 1,
          actions: [
            { a: 'command', command: 'echo one >&2; exit 4' },
            { a: 'command', command: 'echo never' },
          ],
        },
        { group: 2, actions: [{ a: 'command', command: 'echo two' }] },
      ],
      B,
      's',
    );
    let out = '';
    let err = '';
    let code = 0;
    try {
      execFileSync('sh', ['-s'], { input: script, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      ({ stdout: out, stderr: err, status: code } = e as { stdout: string; stderr: string; status: number });
      out = String(out);
      err = String(err);
    }
    assert.equal(code, 4);
    assert.deepEqual([...doneGroups(out, B)], [0]);
    assert.equal(stderrOfLastGroup(err, B), 'one');
    assert.ok(!out.includes('never') && !out.includes('two'));
  });
  it('query scripts end with an end marker and exit 0', () =>
    assert.match(renderQueries([{ q: 'module', name: 'x' }], 'B'), /printf '\\n%s\\n' 'B end'\nexit 0\n$/));
});

describe('module query', () => {
  it('names the kernel config symbol that builds a module in', () => {
    assert.deepEqual(['overlay', 'br_netfilter', 'br-netfilter', 'vxlan', 'nf_conntrack'].map(moduleConfigSymbol), [
      'CONFIG_OVERLAY_FS',
      'CONFIG_BRIDGE_NETFILTER',
      'CONFIG_BRIDGE_NETFILTER',
      'CONFIG_VXLAN',
      'CONFIG_NF_CONNTRACK',
    ]);
  });
  it('counts built in (=y) but not buildable as a module (=m), which would have to show in /proc/modules', () => {
    const s = renderQuery({ q: 'module', name: 'overlay' });
    assert.match(s, /grep -qx -e CONFIG_OVERLAY_FS=y/);
    assert.match(s, /grep -qs -e '\^overlay ' \/proc\/modules/);
  });
});

describe('command stdin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-stdin-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const inputs: Record<string, string> = {
    'a line': 'hello\n',
    empty: '',
    'no final newline': 'last',
    'the heredoc delimiter': 'TSPLAY_EOF\nTSPLAY_EOF',
    'shell syntax': '$(touch canary) `touch canary` \' " \\ ; | &\n',
    'CR, ESC and unicode': 'ünï ✓\r\n\x1b[31m\n',
    long: 'x'.repeat(200_000),
  };
  for (const [name, stdin] of Object.entries(inputs)) {
    it(`reaches the command byte for byte, and the rest of the script runs: ${name}`, () => {
      const out = join(dir, name.replace(/\W/g, '_'));
      const B = '__b__';
      const script = renderActScript(
        [
          { group: 0, actions: [{ a: 'command', command: `cat >${quote(out)}`, stdin }] },
          { group: 1, actions: [{ a: 'command', command: 'echo after' }] },
        ],
        B,
        's',
      );
      const r = runScript(script, { ...process.env, PWD: dir });
      assert.equal(r.code, 0, r.err);
      assert.deepEqual([...doneGroups(r.out, B)], [0, 1]);
      assert.match(r.out, /^after$/m);
      assert.equal(readFileSync(out, 'utf8'), stdin);
      assert.ok(!existsSync(join(dir, 'canary')) && !existsSync('canary'));
    });
  }
  it('a command starting with "-" is a command to sh, not options', () => {
    const r = runScript(renderActScript([{ group: 0, actions: [{ a: 'command', command: '-x 2>/dev/null || echo ran' }] }], '__b__', 's'));
    assert.match(r.out, /^ran$/m);
  });
});

describe('no value is read as an option', () => {
  // Stand-ins for every tool a script calls with a value: each logs its argv (one word a line) and succeeds.
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-argv-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, 'bin');
  const log = join(dir, 'argv.log');
  mkdirSync(bin);
  const tools = [
    'chown',
    'chmod',
    'chgrp',
    'mv',
    'mkdir',
    'rm',
    'tar',
    'find',
    'useradd',
    'usermod',
    'userdel',
    'groupadd',
    'groupdel',
    'getent',
    'id',
    'apt-get',
    'dnf',
    'modprobe',
    'systemctl',
    'dpkg-query',
    'rpm',
  ];
  const stub = (tool: string, exit = 0) => {
    writeFileSync(
      join(bin, tool),
      `#!/bin/sh\n{ printf '%s\\n' "== \${0##*/}"; for a in "$@"; do printf '%s\\n' "$a"; done; } >>${quote(log)}; exit ${exit}\n`,
    );
    chmodSync(join(bin, tool), 0o755);
  };
  for (const t of tools) stub(t);
  for (const t of ['sh', 'base64', 'printf', 'cat'])
    symlinkSync(
      execFileSync('sh', ['-c', `command -v ${t}`])
        .toString()
        .trim(),
      join(bin, t),
    );

  /** Options that take the next word as their argument (which is then never an option itself). */
  const TAKES_ARG = new Set(['-G', '-g', '-d', '-s', '-C', '-f', '-p', '-t']);
  /** Per call: the words before its `--` that getopt would read as options (not their arguments), and those after. */
  const calls = () =>
    readFileSync(log, 'utf8')
      .split('== ')
      .filter(Boolean)
      .map((c) => {
        const [tool, ...args] = c.trimEnd().split('\n');
        const end = args.indexOf('--');
        const before = end < 0 ? args : args.slice(0, end);
        return { tool: tool!, options: before.filter((_, i) => !TAKES_ARG.has(before[i - 1] ?? '')), operands: end < 0 ? [] : args.slice(end + 1) };
      });
  const hostile = ['--reference=/etc/shadow', '-evil', '-o=APT::Get::AllowUnauthenticated=1', '--evil-help'];
  const actions: Action[] = [
    { a: 'attrs', path: '/x', mode: 0o644, owner: hostile[0], group: hostile[1] },
    { a: 'attrs', path: '/x', group: hostile[0] },
    { a: 'write', path: '/x', content: 'x', owner: hostile[0] },
    { a: 'mkdir', path: '/x', owner: hostile[0] },
    { a: 'extract', archive: '/a.tar', dest: '/d', files: [hostile[0]!, hostile[1]!], group: hostile[1] },
    { a: 'package', state: 'present', names: hostile, manager: 'apt' },
    { a: 'package', state: 'absent', names: hostile, manager: 'apt' },
    { a: 'package', state: 'present', names: hostile, manager: 'dnf' },
    { a: 'systemctl', verb: 'restart', unit: hostile[0] },
    { a: 'modprobe', name: hostile[1]! },
    { a: 'user', name: hostile[0]!, state: 'present', groups: [hostile[1]!], home: '/h' },
    { a: 'user', name: hostile[0]!, state: 'absent' },
    { a: 'group', name: hostile[0]!, state: 'present' },
    { a: 'group', name: hostile[0]!, state: 'absent' },
  ];

  for (const getent of ['found', 'not found']) {
    it(`every action's value comes after "--" (getent: ${getent})`, () => {
      rmSync(log, { force: true });
      stub('getent', getent === 'found' ? 0 : 2);
      const script = actions.map((a, i) => ['(', 'set -e', ...renderAction(a, `s${i}`), ') </dev/null || :'].join('\n')).join('\n');
      runScript(script, { PATH: bin });
      const seen = calls();
      assert.ok(seen.length > 20, `${seen.length} calls`);
      for (const c of seen) for (const o of c.options) assert.ok(!hostile.some((h) => o.includes(h)), `${c.tool} got ${JSON.stringify(o)} among its options`);
      assert.ok(seen.some((c) => c.tool === 'chown' && c.operands.includes(`${hostile[0]}:${hostile[1]}`)));
      assert.ok(seen.some((c) => c.tool === (getent === 'found' ? 'usermod' : 'useradd') && c.operands.includes(hostile[0]!)));
    });
  }

  it('every query\'s value comes after "--"', () => {
    rmSync(log, { force: true });
    stub('getent');
    const script = renderQueries(
      [
        { q: 'user', name: hostile[0]! },
        { q: 'group', name: hostile[1]! },
        { q: 'unit', name: hostile[0]! },
        { q: 'packages', names: hostile },
      ],
      '__b__',
    );
    runScript(script, { PATH: bin });
    const seen = calls();
    assert.deepEqual([...new Set(seen.map((c) => c.tool))].sort(), ['dpkg-query', 'getent', 'id', 'systemctl']);
    for (const c of seen) for (const o of c.options) assert.ok(!hostile.some((h) => o.includes(h)), `${c.tool} got ${JSON.stringify(o)} among its options`);
  });

  it('the door refuses a relative path and a sysctl key that leaves /proc/sys', () => {
    assert.throws(() => renderAction({ a: 'write', path: 'etc/x', content: '' }, 's'), /not an absolute path/);
    assert.throws(() => renderAction({ a: 'extract', archive: '-a.tar', dest: '/d', files: [] }, 's'), /not an absolute path/);
    assert.throws(() => renderQuery({ q: 'file', path: '--help' }), /not an absolute path/);
    for (const key of ['net/../../../tmp/sysctl-escape', 'net..ipv4', '/etc/passwd', 'net/./x']) {
      assert.throws(() => renderAction({ a: 'sysctl', key, value: '1' }, 's'), /does not name a file under \/proc\/sys/, key);
      assert.throws(() => renderQuery({ q: 'sysctl', key }), /does not name a file under \/proc\/sys/, key);
    }
  });
});
