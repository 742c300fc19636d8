/**
 * Writes, directories and journal notes of action scripts, run for real: under /bin/sh, bash as sh (RHEL's
 * /bin/sh) and busybox ash when they are on this machine, with every tool the script may start wrapped to
 * log its name (the processes a change costs) and the mode of any temp file it is handed (what the temp was
 * while it held the bytes: never wider than the file's final mode).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'mocha';
import type { GroupNotes } from '../../lib/core/driver.js';
import type { Action } from '../../lib/core/ops.js';
import { doneGroups, renderActScript } from '../../lib/transport/shell-act.js';
import { renderAction } from '../../lib/transport/shell-actions.js';
import { quote } from '../../lib/transport/shell-quote.js';

const which = (t: string) => spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim();
/** `tools`: the script's tools are the wrapped ones of PATH (busybox ash runs its own applets instead). */
const SHELLS: { name: string; argv: string[]; tools: boolean }[] = [
  { name: '/bin/sh', argv: ['/bin/sh'], tools: true },
  ...(which('bash') ? [{ name: 'bash as sh', argv: [which('bash'), '--posix'], tools: true }] : []),
  ...(which('busybox') ? [{ name: 'busybox ash', argv: [which('busybox'), 'ash'], tools: false }] : []),
];
const root = process.getuid?.() === 0;
const TOOLS = ['mv', 'chmod', 'chown', 'chgrp', 'base64', 'mkdir', 'rm', 'cat'];
const B = '__b__';
const uid = (name: string) => Number(execFileSync('id', ['-u', name]).toString());
const gid = (name: string) => Number(execFileSync('getent', ['group', name]).toString().split(':')[2]);

const dir = mkdtempSync(join(tmpdir(), 'tsplay-write-'));
const bin = join(dir, 'bin');
const execs = join(dir, 'execs.log');
const seen = join(dir, 'seen.log');
mkdirSync(bin);
const statBin = which('stat');
for (const t of TOOLS) {
  writeFileSync(
    join(bin, t),
    [
      '#!/bin/sh',
      `printf '%s\\n' ${t} >>${quote(execs)}`,
      `for a in "$@"; do case "$a" in *.tsplay-*) if [ -f "$a" ]; then ${statBin} -c '%a %U:%G' -- "$a" >>${quote(seen)}; fi;; esac; done`,
      `exec ${which(t)} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(join(bin, t), 0o755);
}
after(() => rmSync(dir, { recursive: true, force: true }));

const lines = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : []);
const modeOf = (p: string) => statSync(p).mode & 0o7777;
const leftovers = (d: string) => readdirSync(d).filter((f) => f.includes('.tsplay-'));

for (const shell of SHELLS) {
  describe(`action scripts under ${shell.name}: writes, directories, notes`, function () {
    this.timeout(20000);
    let d: string;
    let n = 0;
    beforeEach(() => {
      d = join(dir, `${shell.name.replace(/\W/g, '_')}-${n++}`);
      mkdirSync(d);
      rmSync(execs, { force: true });
      rmSync(seen, { force: true });
    });
    /** Run groups as the driver does; the external commands run and the temp modes they saw. */
    const run = (groups: readonly (readonly Action[])[], notes: readonly (GroupNotes | undefined)[] = []) => {
      const parts = groups.map((actions, group) => ({ group, actions, ...(notes[group] ? { notes: notes[group] } : {}) }));
      const r = spawnSync(shell.argv[0]!, [...shell.argv.slice(1), '-s'], {
        input: renderActScript(parts, B, 'salt', join(d, 'state')),
        env: { ...process.env, PATH: `${bin}:${process.env['PATH']}` },
      });
      return { code: r.status, err: String(r.stderr), done: [...doneGroups(String(r.stdout), B)], execs: lines(execs), seen: lines(seen) };
    };
    const at = (name: string) => join(d, name);
    /** The processes a script started, where the wrappers can see them. */
    const startedOnly = (r: { execs: string[] }, want: readonly string[]) => {
      if (shell.tools) assert.deepEqual(r.execs, want);
    };
    /** Every mode the temp had while it held the bytes is within the final file's mode. */
    const neverWider = (seenModes: readonly string[], path: string) => {
      const final = modeOf(path);
      for (const s of seenModes) assert.equal(Number.parseInt(s.split(' ')[0]!, 8) & ~final, 0, `temp was ${s}, final ${final.toString(8)}`);
    };

    it('a new file without a mode: 0644, and the only process is the mv', () => {
      const r = run([[{ a: 'write', path: at('app.conf'), content: 'port = 8080\n' }]]);
      assert.equal(r.code, 0, r.err);
      assert.equal(readFileSync(at('app.conf'), 'utf8'), 'port = 8080\n');
      assert.equal(modeOf(at('app.conf')), 0o644);
      startedOnly(r, ['mv']);
      assert.deepEqual(leftovers(d), []);
    });

    it('a secret (0600) is made at 0600 by the umask: never wider; the chmod after it is for a parent with a default ACL', () => {
      const r = run([[{ a: 'write', path: at('key.pem'), content: 'SECRET\n', mode: 0o600 }]]);
      assert.equal(r.code, 0, r.err);
      assert.equal(modeOf(at('key.pem')), 0o600);
      startedOnly(r, ['chmod', 'mv']);
      if (shell.tools) assert.ok(r.seen.length > 0 && r.seen.every((x) => x.startsWith('600 ')), r.seen.join('; '));
      neverWider(r.seen, at('key.pem'));
    });

    // busybox's own chmod and chown have no --reference, before this change as after.
    it('an existing file of ours, no attributes given: its mode is kept, no chown runs', function () {
      if (!shell.tools) this.skip();
      writeFileSync(at('hosts'), 'old\n');
      chmodSync(at('hosts'), 0o640);
      const r = run([[{ a: 'write', path: at('hosts'), content: 'new\n' }]]);
      assert.equal(r.code, 0, r.err);
      assert.equal(readFileSync(at('hosts'), 'utf8'), 'new\n');
      assert.equal(modeOf(at('hosts')), 0o640);
      startedOnly(r, ['chmod', 'mv']);
      neverWider(r.seen, at('hosts'));
    });

    it('an existing file of another owner and mode, no attributes given: both kept, the temp never wider', function () {
      if (!root || !shell.tools) this.skip();
      writeFileSync(at('shared.conf'), 'old\n');
      chmodSync(at('shared.conf'), 0o604);
      chownSync(at('shared.conf'), uid('nobody'), gid('daemon'));
      const ino = statSync(at('shared.conf')).ino;
      const r = run([[{ a: 'write', path: at('shared.conf'), content: 'new\n' }]]);
      assert.equal(r.code, 0, r.err);
      const st = statSync(at('shared.conf'));
      assert.deepEqual([st.mode & 0o7777, st.uid, st.gid], [0o604, uid('nobody'), gid('daemon')]);
      assert.notEqual(st.ino, ino, 'replaced by a rename, not written in place');
      startedOnly(r, ['chown', 'chmod', 'mv']);
      assert.equal(r.seen[0], '600 root:root', 'the bytes land under umask 077 while the mode is unknown');
      neverWider(r.seen, at('shared.conf'));
    });

    it('a given mode and owner over an existing wider file: applied, the temp never wider', function () {
      if (!root) this.skip();
      writeFileSync(at('etcd.key'), 'old\n');
      chmodSync(at('etcd.key'), 0o666);
      const r = run([[{ a: 'write', path: at('etcd.key'), content: 'KEY\n', mode: 0o640, owner: 'nobody', group: 'daemon' }]]);
      assert.equal(r.code, 0, r.err);
      const st = statSync(at('etcd.key'));
      assert.deepEqual([st.mode & 0o7777, st.uid, st.gid], [0o640, uid('nobody'), gid('daemon')]);
      startedOnly(r, ['chown', 'chmod', 'mv']);
      neverWider(r.seen, at('etcd.key'));
    });

    it('x and setuid bits: written at 0600, owner first, then the mode (a chown would clear setuid)', function () {
      if (!root) this.skip();
      const r = run([
        [{ a: 'write', path: at('tool'), content: '#!/bin/sh\n', mode: 0o4755, owner: 'nobody' }],
        [{ a: 'write', path: at('run.sh'), content: '#!/bin/sh\n', mode: 0o750 }],
      ]);
      assert.equal(r.code, 0, r.err);
      assert.deepEqual([modeOf(at('tool')), statSync(at('tool')).uid, modeOf(at('run.sh'))], [0o4755, uid('nobody'), 0o750]);
      startedOnly(r, ['chown', 'chmod', 'mv', 'chmod', 'mv']);
      if (shell.tools) assert.equal(r.seen[0], '600 root:root');
    });

    it('a failing chown fails the group: the target is untouched and the temp removed', () => {
      writeFileSync(at('keep.conf'), 'old\n');
      const r = run([
        [{ a: 'write', path: at('keep.conf'), content: 'new\n', mode: 0o600, owner: 'no-such-user-tsplay' }],
        [{ a: 'command', command: 'echo after' }],
      ]);
      assert.notEqual(r.code, 0);
      assert.deepEqual(r.done, []);
      assert.equal(readFileSync(at('keep.conf'), 'utf8'), 'old\n');
      assert.deepEqual(leftovers(d), []);
    });

    const contents: Record<string, string | Buffer> = {
      empty: '',
      'no final newline': 'last',
      'trailing newlines': 'a\n\n',
      'single quotes': "'''it's'",
      'a lone backslash at the end': 'path\\',
      'backslash newline': 'a\\\nb',
      'shell syntax': '"$HOME" `touch canary` $(touch canary) ${x:-y} \\$ \\" !! *',
      'the heredoc delimiter': 'TSPLAY_EOF\nTSPLAY_EOF',
      'control bytes': '\r\n\t\x01\x1b[31m\x7f',
      unicode: 'ünïcødé ✓ 日本',
      'NUL bytes': Buffer.from([0, 1, 0, 10, 255]),
      'NUL in a string': 'a\0b\n',
      'not UTF-8': Buffer.from([0xff, 0xfe, 0x41, 0xc3]),
    };
    for (const [name, content] of Object.entries(contents)) {
      it(`content reaches the file (and a command's stdin) byte for byte: ${name}`, () => {
        const stdin = typeof content === 'string' ? [{ a: 'command' as const, command: `cat >${quote(at('g'))}`, stdin: content }] : [];
        const r = run([[{ a: 'write', path: at('f'), content }], stdin]);
        assert.equal(r.code, 0, r.err);
        assert.deepEqual(readFileSync(at('f')), Buffer.from(content));
        if (stdin.length) assert.deepEqual(readFileSync(at('g')), Buffer.from(content), 'command stdin');
        assert.ok(!existsSync(at('canary')) && !existsSync('canary'));
        // Only bytes a script cannot hold as text pay a base64 process.
        if (shell.tools) assert.equal(r.execs.includes('base64'), typeof content !== 'string' || content.includes('\0'));
      });
    }

    it('1 MB of text, a third of it quotes: exact, and read as fast as 1 MB without, in any locale', () => {
      // The write's own lines, not under the script's LC_ALL=C: in a UTF-8 locale bash reads a quote() word
      // of many '\\'' pieces in quadratic time (5.7 s for 600 kB of quotes), a dquote() word in linear time.
      const timed = (name: string, content: string) => {
        const script = ['set -e', ...renderAction({ a: 'write', path: at(name), content, mode: 0o600 }, name), ''].join('\n');
        const t0 = Date.now();
        const r = spawnSync(shell.argv[0]!, [...shell.argv.slice(1), '-s'], { input: script, env: { ...process.env, LC_ALL: 'C.UTF-8' } });
        const ms = Date.now() - t0;
        assert.equal(r.status, 0, String(r.stderr));
        assert.ok(readFileSync(at(name)).equals(Buffer.from(content)));
        return ms;
      };
      const quoted = "'a'b'c'$\"`\\ü\n".repeat(80_000);
      const plain = timed('plain', 'x'.repeat(Buffer.byteLength(quoted)));
      const ms = timed('quoted', quoted);
      assert.ok(ms < 2 * plain + 500, `${ms} ms, without quotes ${plain} ms`);
      const r = run([[{ a: 'write', path: at('whole'), content: quoted }]]);
      assert.equal(r.code, 0, r.err);
      assert.ok(readFileSync(at('whole')).equals(Buffer.from(quoted)), 'through the whole script too');
    });

    it('directories: made with their mode (parents 0755), chmod-ed when they exist, left alone without one', () => {
      mkdirSync(at('old'));
      chmodSync(at('old'), 0o755);
      mkdirSync(at('plain'));
      const made = run([[{ a: 'mkdir', path: at('new/sub/leaf'), mode: 0o700 }]]);
      assert.equal(made.code, 0, made.err);
      assert.deepEqual([modeOf(at('new')), modeOf(at('new/sub')), modeOf(at('new/sub/leaf'))], [0o755, 0o755, 0o700]);
      startedOnly(made, ['mkdir']);
      rmSync(execs, { force: true });
      const changed = run([[{ a: 'mkdir', path: at('old'), mode: 0o750 }], [{ a: 'mkdir', path: at('plain') }]]);
      assert.equal(changed.code, 0, changed.err);
      assert.equal(modeOf(at('old')), 0o750);
      startedOnly(changed, ['chmod']);
    });

    it('a file where a directory should be fails its group', () => {
      writeFileSync(at('x'), '');
      const r = run([[{ a: 'mkdir', path: at('x'), mode: 0o755 }]]);
      assert.notEqual(r.code, 0);
      assert.deepEqual(r.done, []);
    });

    it('journal notes: the pending dir is made once per script, a clear with nothing pending runs no rm', () => {
      const pend = (k: string): GroupNotes => ({ pend: [k] });
      const r = run([[], [], [], []], [pend('a restart'), pend('b'), pend('c'), { clear: ['never-pended', 'other'] }]);
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(readdirSync(join(d, 'state', 'pending')).sort(), ['a restart', 'b', 'c']);
      startedOnly(r, ['mkdir']);
      rmSync(execs, { force: true });
      const cleared = run([[]], [{ clear: ['b', 'never-pended'] }]);
      assert.equal(cleared.code, 0, cleared.err);
      assert.deepEqual(readdirSync(join(d, 'state', 'pending')).sort(), ['a restart', 'c']);
      startedOnly(cleared, ['rm']);
    });
  });
}
