import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'mocha';
import type { Action } from '../../lib/core/ops.js';
import { doneGroups, planSteps, renderActScript, stderrOfLastGroup } from '../../lib/transport/shell-act.js';
import { renderAction, tempBeside } from '../../lib/transport/shell-actions.js';
import { moduleConfigSymbol, renderQueries, renderQuery, sysctlPath } from '../../lib/transport/shell-query.js';
import { attrLines, heredoc, parentDir, quote } from '../../lib/transport/shell-quote.js';

/** What sh makes of a word: the real shell is the oracle. */
const echoed = (word: string) => execFileSync('sh', ['-c', `printf '%s' ${word}`]).toString();

describe('shell quoting', () => {
  const table = ['plain', '', 'two words', "it's", '$HOME `id` $(id) \\ "q"', 'new\nline', '*', '-n', 'ünïcødé', "''"];
  for (const s of table) it(`round-trips ${JSON.stringify(s)} through sh`, () => assert.equal(echoed(quote(s)), s));
  it('leaves safe words bare and refuses NUL', () => {
    assert.equal(quote('/etc/x.conf'), '/etc/x.conf');
    assert.throws(() => quote('a\0b'), /NUL/);
  });
  it('heredocs end on a delimiter base64 can never produce', () => assert.match(heredoc('base64 -d', 'x'.repeat(200)), /^base64 -d <<'TSPLAY_EOF'\n[A-Za-z0-9+/=\n]+\nTSPLAY_EOF$/));
  it('attrs, paths', () => {
    assert.deepEqual(attrLines('/a b', { mode: 0o640, owner: 'u', group: 'g' }), ["chmod 0640 '/a b'", "chown u:g '/a b'"]);
    assert.deepEqual(attrLines('/a', { group: 'g' }), ['chgrp g /a']);
    assert.deepEqual([parentDir('/x'), parentDir('/a/b/'), tempBeside('/etc/x.conf', 's')], ['/', '/a', '/etc/.x.conf.tsplay-s']);
    assert.equal(sysctlPath('net.ipv4.conf.eth0/100.forwarding'), '/proc/sys/net.ipv4.conf.eth0/100.forwarding');
    assert.equal(sysctlPath('net.ipv4.ip_forward'), '/proc/sys/net/ipv4/ip_forward');
  });
});

describe('action rendering', () => {
  it('write: umask 077 while decoding, attrs on the temp file, then an atomic mv', () => {
    const lines = renderAction({ a: 'write', path: '/etc/x', content: 'hi', mode: 0o600, owner: 'root' }, 's');
    assert.deepEqual([lines[0], lines[2], lines.at(-1)], ['umask 077', 'umask 022', 'mv -f /etc/.x.tsplay-s /etc/x']);
    assert.ok(lines.includes('chmod 0600 /etc/.x.tsplay-s') && lines.includes('chown root /etc/.x.tsplay-s'));
  });
  it('package: apt refreshes lists only when the first install fails; dnf plain', () => {
    assert.deepEqual(renderAction({ a: 'package', state: 'present', names: ['a', 'b'], manager: 'apt' }, 's'), ['apt-get install -y -q a b || { apt-get update -q && apt-get install -y -q a b; }']);
    assert.deepEqual(renderAction({ a: 'package', state: 'absent', names: ['a'], manager: 'dnf' }, 's'), ['dnf remove -y a']);
  });
  it('user: add or modify (appending groups), never both', () => {
    assert.deepEqual(renderAction({ a: 'user', name: 'etcd', state: 'present', system: true, home: '/var/lib/etcd', groups: ['docker'] }, 's'), [
      'if getent passwd etcd >/dev/null; then usermod -d /var/lib/etcd -a -G docker etcd; elif getent group etcd >/dev/null; then useradd -r -M -g etcd -d /var/lib/etcd -G docker etcd; else useradd -r -M -d /var/lib/etcd -G docker etcd; fi',
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
    assert.deepEqual(steps.map((s) => (s.kind === 'script' ? `script ${s.parts.map((p) => p.group).join(',')}` : `upload ${s.group}`)), ['upload 1', 'script 0,2']);
  });
  it('an upload into a directory made earlier in the batch waits for it', () => {
    const steps = planSteps([[{ a: 'mkdir', path: '/opt/cni' }], [{ a: 'mkdir', path: '/opt/cni/bin' }, up('/opt/cni/bin/bridge')], [{ a: 'command', command: 'x' }]]);
    assert.deepEqual(steps.map((s) => (s.kind === 'script' ? `script ${s.parts.map((p) => p.group).join(',')}` : `upload ${s.group}`)), ['script 0,1', 'upload 1', 'script 2']);
  });
  it('a package or command before an upload is flushed first (unknown effects)', () => {
    const steps = planSteps([[{ a: 'package', state: 'present', names: ['etcd'], manager: 'apt' }], [up('/etc/etcd/x')]]);
    assert.deepEqual(steps.map((s) => s.kind), ['script', 'upload']);
  });
  it('enable and disable skip their own systemd reload after the script\'s daemon-reload, and only then', () => {
    const svc = (verb: 'enable' | 'disable' | 'start'): Action => ({ a: 'systemctl', verb, unit: 'web.service' });
    const systemctlLines = (parts: { group: number; actions: Action[] }[]) => renderActScript(parts, '__b__', 's').split('\n').filter((l) => l.startsWith('systemctl'));
    assert.deepEqual(systemctlLines([{ group: 0, actions: [svc('enable')] }, { group: 1, actions: [{ a: 'systemctl', verb: 'daemon-reload' }] }, { group: 2, actions: [svc('enable'), svc('start')] }, { group: 3, actions: [svc('disable')] }]), [
      'systemctl enable -- web.service', 'systemctl daemon-reload', 'systemctl enable --no-reload -- web.service', 'systemctl start -- web.service', 'systemctl disable --no-reload -- web.service',
    ]);
  });
  it('markers pin a failure to its group and its stderr', () => {
    const B = '__b__';
    const script = renderActScript([{ group: 0, actions: [{ a: 'command', command: 'echo zero >&2' }] }, { group: 1, actions: [{ a: 'command', command: 'echo one >&2; exit 4' }, { a: 'command', command: 'echo never' }] }, { group: 2, actions: [{ a: 'command', command: 'echo two' }] }], B, 's');
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
  it('query scripts end with an end marker and exit 0', () => assert.match(renderQueries([{ q: 'module', name: 'x' }], 'B'), /printf '\\n%s\\n' 'B end'\nexit 0\n$/));
});

describe('module query', () => {
  it('names the kernel config symbol that builds a module in', () => {
    assert.deepEqual(['overlay', 'br_netfilter', 'br-netfilter', 'vxlan', 'nf_conntrack'].map(moduleConfigSymbol),
      ['CONFIG_OVERLAY_FS', 'CONFIG_BRIDGE_NETFILTER', 'CONFIG_BRIDGE_NETFILTER', 'CONFIG_VXLAN', 'CONFIG_NF_CONNTRACK']);
  });
  it('counts built in (=y) but not buildable as a module (=m), which would have to show in /proc/modules', () => {
    const s = renderQuery({ q: 'module', name: 'overlay' });
    assert.match(s, /grep -qx CONFIG_OVERLAY_FS=y/);
    assert.match(s, /grep -qs '\^overlay ' \/proc\/modules/);
  });
});
