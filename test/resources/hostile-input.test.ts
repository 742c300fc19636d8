/**
 * Every hostile value (hostile-values.ts) through every string field of every resource: it is refused when
 * the resource is built or checked, with an error that names it, or it lands literally. "Lands" is judged
 * by a real `sh`: the resource's query script and action script run here, as the shell driver would send
 * them, with every path rooted in a temp dir (fixed host paths such as /proc/sys and /etc/systemd/system
 * are moved there in the script text) and the tools that would change this machine (chown, useradd,
 * systemctl, apt-get, modprobe, ...) replaced by stand-ins that log their argv. Afterwards nothing may
 * have run: no canary, nothing outside the temp dir, and every stand-in saw the value as one operand.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'mocha';
import type { Action, Query } from '../../lib/core/ops.js';
import type { AnyResource } from '../../lib/core/resource.js';
import {
  absent,
  assertCommand,
  artifact,
  command,
  directory,
  envAssignment,
  execArg,
  execLine,
  file,
  group,
  kernelModule,
  line,
  pkg,
  service,
  sysctl,
  template,
  unit,
  unitValue,
  user,
} from '../../lib/resources/index.js';
import { debianFacts } from '../../lib/testing/index.js';
import { renderActScript } from '../../lib/transport/shell-act.js';
import { parseAnswers } from '../../lib/transport/shell-answers.js';
import { renderQueries } from '../../lib/transport/shell-query.js';
import { quote } from '../../lib/transport/shell-quote.js';
import { CANARY, HOSTILE_VALUES } from './hostile-values.js';

const root = mkdtempSync(join(tmpdir(), 'tsplay-hostile-'));
const bin = join(root, 'bin');
/** Where the stand-ins log: one file per value (the script exports TSPLAY_ARGV_LOG before each). */
let argvLog = join(root, 'argv.log');
const ESCAPE = '/tmp/tsplay-hostile-escape';
const facts = debianFacts('hostile');

/** Stand-ins: log `== tool` then one argument a line; systemctl show and getent answer like a host that has neither. */
const STUBS: Record<string, string> = {
  chown: '',
  chgrp: '',
  useradd: '',
  usermod: '',
  userdel: '',
  groupadd: '',
  groupdel: '',
  id: '',
  'apt-get': '',
  dnf: '',
  modprobe: '',
  rpm: '',
  'dpkg-query': '',
  getent: 'exit 2',
  systemctl: 'if [ "$1" = show ]; then printf "LoadState=loaded\\nActiveState=inactive\\nUnitFileState=disabled\\n"; fi',
};
mkdirSync(bin);
for (const [tool, tail] of Object.entries(STUBS)) {
  writeFileSync(join(bin, tool), `#!/bin/sh\n{ printf '%s\\n' "== ${tool}"; for a in "$@"; do printf '%s\\n' "$a"; done; } >>"$TSPLAY_ARGV_LOG"\n${tail}\n`);
  chmodSync(join(bin, tool), 0o755);
}
after(() => rmSync(root, { recursive: true, force: true }));

/** Operands each stand-in got (the words after its `--`), and whether any value reached it ahead of `--`. */
function stubCalls(): { tool: string; options: string[]; operands: string[] }[] {
  if (!existsSync(argvLog)) return [];
  return readFileSync(argvLog, 'utf8')
    .split('== ')
    .filter(Boolean)
    .map((c) => {
      const [tool, ...args] = c.replace(/\n$/, '').split('\n');
      const end = args.indexOf('--');
      return { tool: tool!, options: end < 0 ? args : args.slice(0, end), operands: end < 0 ? [] : args.slice(end + 1) };
    });
}

interface Case {
  /** The resource with the value in its field, rooted in `dir`. */
  build(v: string, dir: string): AnyResource;
  /** Host paths the scripts use that must move into `dir`, and what to seed there first. */
  moved?: readonly string[];
  seed?(v: string, dir: string): void;
  /** What landing literally means for this field. */
  landed(v: string, dir: string): void;
}

const read = (p: string) => readFileSync(p, 'utf8');
/** A value holding `/` names a path below the temp dir: make its parents, as a role would. */
const parents = (...paths: string[]) => {
  for (const p of paths) mkdirSync(dirname(p), { recursive: true });
};
const bytes = (s: string) => Buffer.from(s).toString('utf8');
const called = (tool: string, operand: (ops: string[]) => boolean) =>
  assert.ok(
    stubCalls().some((c) => c.tool === tool && operand(c.operands)),
    `${tool} got the value as an operand: ${JSON.stringify(stubCalls())}`,
  );

const CASES: Record<string, Case> = {
  'file path': {
    build: (v, d) => file({ path: `${d}/f-${v}`, content: 'x' }),
    seed: (v, d) => parents(`${d}/f-${v}`),
    landed: (v, d) => assert.equal(read(`${d}/f-${v}`), 'x'),
  },
  'file content': { build: (v, d) => file({ path: `${d}/f`, content: v }), landed: (v, d) => assert.equal(read(`${d}/f`), bytes(v)) },
  'file owner': { build: (v, d) => file({ path: `${d}/f`, content: 'x', owner: v }), landed: (v) => called('chown', (o) => o[0] === v) },
  'file group': { build: (v, d) => file({ path: `${d}/f`, content: 'x', group: v }), landed: (v) => called('chgrp', (o) => o[0] === v) },
  'template content': { build: (v, d) => template({ path: `${d}/t`, render: () => v }), landed: (v, d) => assert.equal(read(`${d}/t`), bytes(v)) },
  'directory path': {
    build: (v, d) => directory({ path: `${d}/d-${v}` }),
    seed: (v, d) => parents(`${d}/d-${v}`),
    landed: (v, d) => assert.ok(readdirSync(`${d}/d-${v}`)),
  },
  'directory owner and group': {
    build: (v, d) => directory({ path: `${d}/d`, owner: 'root', group: v }),
    landed: (v) => called('chown', (o) => o[0] === `root:${v}`),
  },
  'absent path': {
    build: (v, d) => absent({ path: `${d}/a-${v}` }),
    seed: (v, d) => {
      parents(`${d}/a-${v}`);
      writeFileSync(`${d}/a-${v}`, 'x');
      writeFileSync(`${d}/a-keep`, 'x');
    },
    landed: (v, d) => assert.deepEqual([existsSync(`${d}/a-${v}`), existsSync(`${d}/a-keep`)], [false, true]),
  },
  'line line': { build: (v, d) => line({ path: `${d}/l`, line: v }), landed: (v, d) => assert.equal(read(`${d}/l`), `${bytes(v)}\n`) },
  'line path': {
    build: (v, d) => line({ path: `${d}/l-${v}`, line: 'x' }),
    seed: (v, d) => parents(`${d}/l-${v}`),
    landed: (v, d) => assert.equal(read(`${d}/l-${v}`), 'x\n'),
  },
  'sysctl key': {
    build: (v) => sysctl({ key: v, value: 1 }),
    moved: ['/proc/sys/', '/etc/sysctl.d/'],
    landed: () => assert.fail('no hostile key is a sysctl'),
  },
  'sysctl value': {
    build: (v) => sysctl({ key: 'net.core.somaxconn', value: v }),
    moved: ['/proc/sys/', '/etc/sysctl.d/'],
    seed: (_v, d) => {
      mkdirSync(`${d}/proc/sys/net/core`, { recursive: true });
      writeFileSync(`${d}/proc/sys/net/core/somaxconn`, '4096\n');
      mkdirSync(`${d}/etc/sysctl.d`, { recursive: true });
    },
    landed: (v, d) => assert.equal(read(`${d}/proc/sys/net/core/somaxconn`), `${bytes(v).trim().split(/\s+/).join(' ')}\n`),
  },
  'sysctl file': {
    build: (v, d) => sysctl({ key: 'net.core.somaxconn', value: 1, file: `${d}/s-${v}` }),
    moved: ['/proc/sys/'],
    seed: (v, d) => {
      parents(`${d}/s-${v}`);
      mkdirSync(`${d}/proc/sys/net/core`, { recursive: true });
      writeFileSync(`${d}/proc/sys/net/core/somaxconn`, '1\n');
    },
    landed: (v, d) => assert.equal(read(`${d}/s-${v}`), 'net.core.somaxconn = 1\n'),
  },
  'kernelModule name': {
    build: (v) => kernelModule({ name: v }),
    moved: ['/etc/modules-load.d/'],
    seed: (_v, d) => mkdirSync(`${d}/etc/modules-load.d`, { recursive: true }),
    landed: (v, d) => assert.equal(read(`${d}/etc/modules-load.d/${v}.conf`), `${v}\n`),
  },
  'pkg name': { build: (v) => pkg({ names: [v] }), landed: (v) => called('apt-get', (o) => o.includes(v)) },
  'unit name': {
    build: (v) => unit({ name: v, content: '[Service]\nExecStart=/bin/true\n' }),
    moved: ['/etc/systemd/system/'],
    seed: (_v, d) => mkdirSync(`${d}/etc/systemd/system`, { recursive: true }),
    landed: (v, d) => assert.ok(readdirSync(`${d}/etc/systemd/system`).some((n) => n === v || n === `${v}.service`)),
  },
  'unit content': {
    build: (v) => unit({ name: 'x', content: v }),
    moved: ['/etc/systemd/system/'],
    seed: (_v, d) => mkdirSync(`${d}/etc/systemd/system`, { recursive: true }),
    landed: (v, d) => assert.equal(read(`${d}/etc/systemd/system/x.service`), bytes(v)),
  },
  'service name': { build: (v) => service({ name: v }), landed: (v) => called('systemctl', (o) => o[0] === v || o[0] === `${v}.service`) },
  'user name': { build: (v) => user({ name: v }), landed: (v) => called('useradd', (o) => o[0] === v) },
  'user home': {
    build: (v, d) => user({ name: 'u', home: `${d}/h-${v}` }),
    landed: (v, d) => called('useradd', () => stubCalls().some((c) => c.options.includes(`${d}/h-${v}`))),
  },
  'user shell': {
    build: (v) => user({ name: 'u', shell: `/bin/${v}` }),
    landed: (v) => called('useradd', () => stubCalls().some((c) => c.options.includes(`/bin/${v}`))),
  },
  'user groups': { build: (v) => user({ name: 'u', groups: [v] }), landed: (v) => called('useradd', () => stubCalls().some((c) => c.options.includes(v))) },
  'group name': { build: (v) => group({ name: v }), landed: (v) => called('groupadd', (o) => o[0] === v) },
  'command stdin': {
    build: (v, d) => command({ command: `cat >${quote(`${d}/stdin`)}`, stdin: v }),
    landed: (v, d) => assert.equal(read(`${d}/stdin`), bytes(v)),
  },
  'command creates': {
    build: (v, d) => command({ command: `echo ran >>${quote(`${d}/ran`)}`, creates: `${d}/c-${v}` }),
    seed: (v, d) => {
      parents(`${d}/c-${v}`);
      writeFileSync(`${d}/c-${v}`, '');
    },
    landed: (_v, d) => assert.equal(existsSync(`${d}/ran`), false, 'the guard saw the file at the literal path'),
  },
  'command name': {
    build: (v, d) => command({ name: v, command: `echo ran >${quote(`${d}/ran`)}` }),
    landed: (_v, d) => assert.equal(read(`${d}/ran`), 'ran\n'),
  },
  'assertCommand name': { build: (v) => assertCommand({ name: v, command: 'true' }), landed: () => {} },
  'artifact member': {
    build: (v, d) => artifact({ url: 'file:///x.tgz', sha256: '0'.repeat(64), extract: { files: [v], dest: d } }),
    landed: () => {},
  },
};

/** A clear refusal: an Error with a message that shows no raw control character (values are JSON-quoted). */
function assertClear(e: unknown, field: string): void {
  assert.ok(e instanceof Error && !(e instanceof TypeError), `${field}: ${String(e)}`);
  assert.ok(e.message.length > 10, e.message);
  assert.doesNotMatch(e.message, /[\0-\x09\x0b-\x1f\x7f-\x9f]/, `${field}: the error shows a raw control character`);
}

const B = '__tsplay_hostile__';

function sh(script: string): string {
  try {
    return execFileSync('sh', ['-s'], {
      input: script,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 1 << 28,
    }).toString('utf8');
  } catch (e) {
    return String((e as { stdout: Buffer }).stdout);
  }
}

interface Built {
  readonly name: string;
  readonly value: string;
  readonly dir: string;
  readonly r: AnyResource;
  readonly log: string;
  how?: 'refused' | 'applied' | 'host refused';
}

/** Each script in its own subshell, in one `sh` (one process per field, not per value); its output after a `@@i@@` line. */
function runEach(scripts: readonly string[], prefix: (i: number) => string = () => ''): Map<number, string> {
  const out = sh(scripts.map((t, i) => `printf '\\n@@%s@@\\n' ${i}\n${prefix(i)}(\n${t}\n)\nprintf '\\n@@rc %s@@\\n' $?`).join('\n'));
  const parts = out.split(/\n@@(\d+)@@\n/);
  return new Map(Array.from({ length: (parts.length - 1) / 2 }, (_, k) => [Number(parts[2 * k + 1]), parts[2 * k + 2]!] as const));
}

/**
 * Query, check and apply every built resource through real sh scripts, as the runner would (a converged
 * resource is not applied), with fixed host paths moved into each value's dir.
 */
function converge(items: Built[], moved: readonly string[]): void {
  const move = (s: string, dir: string) => moved.reduce((t, p) => t.split(p).join(`${dir}${p}`), s);
  const queries = items.map((b) => b.r.queries.map((q: { query: Query }) => q.query) as Query[]);
  const answered = runEach(items.map((b, i) => move(renderQueries(queries[i]!, `${B}${i}`), b.dir)));
  const todo: { b: Built; actions: readonly Action[] }[] = [];
  items.forEach((b, i) => {
    const answers = parseAnswers(queries[i]!, answered.get(i) ?? '', `${B}${i}`);
    try {
      const changes = b.r.check(answers, facts);
      if (changes.length === 0) b.how = 'applied';
      else todo.push({ b, actions: b.r.apply(answers, facts, changes) });
    } catch (e) {
      assertClear(e, b.r.id);
      b.how = 'refused';
    }
  });
  const applied = runEach(
    todo.map(({ b, actions }, i) => move(renderActScript([{ group: 0, actions }], `${B}${i}`, 'h'), b.dir)),
    (i) => `TSPLAY_ARGV_LOG=${quote(todo[i]!.b.log)}; export TSPLAY_ARGV_LOG\n`,
  );
  todo.forEach(({ b }, i) => {
    b.how = /@@rc 0@@/.test(applied.get(i) ?? '') ? 'applied' : 'host refused';
  });
}

describe('hostile input through every resource', () => {
  const tally = { refused: 0, landed: 0, hostRefused: 0 };
  after(() =>
    console.log(
      `      hostile values: ${tally.landed} landed literally, ${tally.refused} refused when built or checked, ${tally.hostRefused} refused by the host, 0 executed`,
    ),
  );

  for (const [field, c] of Object.entries(CASES)) {
    it(`${field}: every value is refused clearly or lands literally, and nothing runs`, () => {
      const built: Built[] = [];
      HOSTILE_VALUES.forEach(({ name, value }, i) => {
        const dir = join(root, `${field.replace(/\W/g, '_')}-${i}`);
        mkdirSync(dir);
        try {
          built.push({ name, value, dir, r: c.build(value, dir), log: join(dir, '.argv.log') });
        } catch (e) {
          assertClear(e, `${field} ${name}`);
          tally.refused++;
          return;
        }
        c.seed?.(value, dir);
      });
      converge(built, c.moved ?? []);
      for (const b of built) {
        argvLog = b.log;
        if (b.how === 'refused') tally.refused++;
        else if (b.how === 'host refused') tally.hostRefused++;
        else {
          try {
            c.landed(b.value, b.dir);
          } catch (e) {
            throw new Error(`${field} ${b.name}: did not land literally: ${(e as Error).message}`);
          }
          tally.landed++;
        }
        for (const call of stubCalls())
          for (const o of call.options)
            assert.ok(!o.startsWith('-') || !o.includes(b.value) || b.value === '', `${field} ${b.name}: ${call.tool} took the value as an option: ${o}`);
      }
      assert.equal(existsSync(CANARY), false, `${field}: a command ran`);
      assert.equal(existsSync(ESCAPE), false, `${field}: a write left the temp dir`);
      // Only where the host has the last word (does this user exist?) may a value be left to it.
      const byHost = built.filter((b) => b.how === 'host refused').map((b) => b.name);
      assert.deepEqual(byHost, [], `${field}: values only the host refused`);
    });
  }
});

/**
 * systemd's reading of one item the renderers write (systemd.syntax(7) QUOTING: a whole-item double quote
 * with `\\` and `\"` escapes; `%%` is `%`; on command lines `$$` is `$`). The lab proves the same on a real systemd.
 */
function systemdItem(w: string, commandLine: boolean): string {
  if (!w.startsWith('"')) assert.doesNotMatch(w, /[\s"'\\]/, `an unquoted item with whitespace, a quote or a backslash: ${w}`);
  const unq = w.startsWith('"') && w.endsWith('"') && w.length >= 2 ? w.slice(1, -1).replace(/\\(["\\])/g, '$1') : w;
  const unspec = unq.replace(/%%/g, '%');
  return commandLine ? unspec.replace(/\$\$/g, '$') : unspec;
}

describe('hostile values in unit files', () => {
  for (const { name, value } of HOSTILE_VALUES) {
    it(`${name}: refused by every systemd renderer, or read back by systemd as itself`, () => {
      const results = [
        ['unitValue', () => unitValue('Description', value)],
        ['execArg', () => execArg('ExecStart', value)],
        ['execLine', () => execLine('ExecStart', [`/usr/bin/${value}`])],
        ['envAssignment', () => envAssignment('Environment', 'V', value)],
      ] as const;
      for (const [fn, render] of results) {
        let out: string;
        try {
          out = render();
        } catch (e) {
          assertClear(e, fn);
          continue;
        }
        assert.doesNotMatch(out, /[\r\n\0]/, `${fn}: a line break reached the unit file`);
        assert.doesNotMatch(out.replace(/%%/g, ''), /%/, `${fn}: a bare % specifier`);
        if (fn === 'execArg') assert.equal(systemdItem(out, true), value);
        if (fn === 'execLine') assert.equal(systemdItem(out, true), `/usr/bin/${value}`);
        if (fn === 'unitValue') assert.equal(out.replace(/%%/g, '%'), value);
        if (fn === 'envAssignment') assert.equal(systemdItem(out, false), `V=${value}`);
      }
    });
  }

  it('the webapp title of the outside fault run is refused before anything is written', () => {
    const title = `x\r[Service]\rExecStartPre=+/bin/touch ${CANARY}\r`;
    assert.throws(
      () => unitValue('webapp unit Description (var title)', title),
      /webapp unit Description \(var title\): control character CR \(carriage return\)/,
    );
    assert.throws(() => unit({ name: 'webapp', content: `[Unit]\nDescription=${title}\n` }), /unit webapp.service: line 2 holds a CR/);
  });
});
