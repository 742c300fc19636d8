/** TSPLAY_TRACE_STARTUP: where the `tsplay` command's start-up goes, one phase per line at exit; nothing without it. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsplay = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, ['lib/cli/bin.js', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
const LIST = ['run', 'playbooks/sample.ts', '-i', 'test/fixtures/inventory/fake-web.ts', '--list-hosts'];

describe('TSPLAY_TRACE_STARTUP', () => {
  it('json: one line at exit with every phase of a run, in order, after Node booted; the output is unchanged', () => {
    const plain = tsplay({}, ...LIST);
    const r = tsplay({ TSPLAY_TRACE_STARTUP: 'json' }, ...LIST);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, plain.stdout);
    const trace = JSON.parse(r.stderr.trim().split('\n').at(-1)!) as { timeOrigin: number; phases: { name: string; ms: number }[] };
    assert.ok(trace.timeOrigin > 0);
    // (no 'TypeScript hook registered' while dist/ is stale: the hook then exists from the start)
    const names = trace.phases.map((p) => p.name);
    const expected = [
      'node: V8 started',
      'bin.js running',
      'engine loaded (main.js)',
      'run command loaded',
      'inventory loaded',
      'playbook and roles loaded',
      'plays compiled',
    ];
    assert.deepEqual(
      names.filter((n) => expected.includes(n)),
      expected,
    );
    const ms = trace.phases.map((p) => p.ms);
    assert.deepEqual(
      ms,
      [...ms].sort((a, b) => a - b),
    );
  });

  it('1: a table on stderr; unset: nothing on stderr', () => {
    const r = tsplay({ TSPLAY_TRACE_STARTUP: '1' }, '--help');
    assert.equal(r.status, 0);
    assert.match(r.stderr, /^tsplay start-up \(ms since the process started.*\n(?: +[\d.]+ +\+[\d.]+ {2}.+\n)*.*engine loaded \(main\.js\)\n/m);
    const quiet = tsplay({ TSPLAY_TRACE_STARTUP: '' }, '--help');
    assert.doesNotMatch(quiet.stderr, /start-up/);
  });
});
