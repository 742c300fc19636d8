/**
 * `tsplay run` end to end over SSH against lab hosts (the real CLI in a child process): an unreachable
 * host is reported while the others converge, and a host stopped mid-run fails it without hanging the run.
 * Disturbs the last lab host and brings it back with `lab up` at the end. Needs a lab of 3+ hosts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopHost } from '../../lib/lab/host.js';
import type { HostState, LabState } from '../../lib/lab/state.js';
import { labUp } from '../../lib/lab/up.js';
import { sshBanner } from '../../lib/lab/wait.js';
import { connectSsh } from '../../lib/transport/ssh.js';
import { asHost, paths, requireLab } from './lab-hosts.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLEAN = 'rm -rf /srv/tsplay-it-run';

interface Ran {
  code: number;
  out: string;
  err: string;
  ms: number;
}
interface Event {
  kind: string;
  host?: string;
  error?: string;
  stats?: { hosts: Record<string, { changed: number; failed: number; unreachable: boolean }> };
}

/** The CLI on the slow playbook for these hosts; `seconds` per host is how long its command sleeps. */
function tsplayRun(hosts: Record<string, { address: string; seconds: number }>): { done: Promise<Ran>; kill: () => void } {
  const inv = Object.fromEntries(Object.entries(hosts).map(([n, h]) => [n, { address: h.address, vars: { seconds: h.seconds } }]));
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      'lib/cli/bin.js',
      'run',
      'test/integration/fixtures/slow-playbook.ts',
      '-i',
      'test/integration/fixtures/env-inventory.ts',
      '--json',
      '--known-hosts',
      paths.knownHosts,
      '--connect-timeout',
      '2',
    ],
    {
      cwd: ROOT,
      env: { ...process.env, TSPLAY_IT_HOSTS: JSON.stringify(inv), TSPLAY_IT_KEY: paths.key },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<Ran>((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, out, err, ms: Date.now() - started })));
  return { done, kill: () => child.kill('SIGKILL') };
}

const events = (out: string): Event[] =>
  out
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Event);
const stats = (out: string) => events(out).find((e) => e.kind === 'run-end')?.stats?.hosts ?? {};

async function onHost(h: HostState, cmd: string): Promise<number> {
  const c = await connectSsh(asHost(h), { knownHosts: paths.knownHosts, connectTimeoutMs: 5000 });
  try {
    return (await c.exec(cmd)).exitCode;
  } finally {
    await c.close();
  }
}

/** Poll with backoff until `cmd` succeeds on the host. */
async function until(h: HostState, cmd: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (let wait = 50; (await onHost(h, cmd)) !== 0; wait = Math.min(wait * 2, 500)) {
    if (Date.now() > deadline) throw new Error(`\`${cmd}\` did not succeed on ${h.name} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, wait));
  }
}

describe('tsplay run over SSH on lab hosts', function () {
  this.timeout(90_000);
  let state: LabState;
  before(async function () {
    state = await requireLab(this, 3);
  });

  it('reports an address nobody answers at as unreachable (exit bit 4) while the other hosts converge', async () => {
    const [a, b] = [state.hosts[0]!, state.hosts[1]!];
    await Promise.all([a, b].map((h) => onHost(h, CLEAN)));
    const r = await tsplayRun({ [a.name]: { ...a, seconds: 1 }, ghost: { address: '10.231.0.250', seconds: 1 }, [b.name]: { ...b, seconds: 1 } }).done;
    assert.equal(r.code, 4, `${r.err}\n${r.out}`);
    const unreachable = events(r.out).filter((e) => e.kind === 'unreachable');
    assert.deepEqual(
      unreachable.map((e) => e.host),
      ['ghost'],
    );
    assert.match(unreachable[0]!.error!, /cannot connect to root@10\.231\.0\.250:22/);
    const s = stats(r.out);
    for (const h of [a, b]) {
      assert.deepEqual(
        { failed: s[h.name]?.failed, unreachable: s[h.name]?.unreachable, changed: s[h.name]?.changed },
        { failed: 0, unreachable: false, changed: 3 },
        h.name,
      );
      assert.equal(await onHost(h, 'test -e /srv/tsplay-it-run/slept'), 0);
    }
    // 3 connect attempts of 2 s with backoff, plus start-up: the others did not wait on the ghost for longer.
    assert.ok(r.ms < 20_000, `took ${r.ms} ms`);
  });

  describe('a host stopped in the middle of a run', () => {
    let victim: HostState;
    before(async function () {
      this.timeout(120_000);
      // A run that was itself killed may have left the victim down: bring it back first.
      if (!(await sshBanner(state.hosts.at(-1)!.address))) state = await labUp({ hosts: state.hosts.length });
      victim = state.hosts.at(-1)!;
    });
    after(async function () {
      this.timeout(120_000);
      await labUp({ hosts: state.hosts.length });
    });

    it('fails that host within the keep-alive window instead of hanging; the others finish', async () => {
      const other = state.hosts[0]!;
      await Promise.all([other, victim].map((h) => onHost(h, CLEAN)));
      const run = tsplayRun({ [other.name]: { ...other, seconds: 2 }, [victim.name]: { ...victim, seconds: 600 } });
      try {
        await until(victim, 'pgrep -fx "sleep 600"', 30_000);
        const stoppedAt = Date.now();
        await stopHost(paths, victim.name);
        const r = await Promise.race([run.done, new Promise<undefined>((res) => setTimeout(() => res(undefined), 30_000).unref())]);
        assert.ok(r, 'the run still hangs 30 s after its host was stopped');
        const afterStop = Date.now() - stoppedAt;
        console.log(`      ${victim.name} stopped mid-command: the run ended ${afterStop} ms later, exit ${r?.code}`);
        assert.ok(r.code === 2 || r.code === 4, `exit ${r.code}: ${r.err}\n${r.out}`);
        const s = stats(r.out);
        assert.deepEqual({ failed: s[other.name]?.failed, changed: s[other.name]?.changed }, { failed: 0, changed: 3 }, other.name);
        const v = s[victim.name];
        assert.ok(v && (v.failed > 0 || v.unreachable), `${victim.name}: ${JSON.stringify(v)}`);
        // Keep-alive: 3 probes 5 s apart at most; a stopped host usually closes the connection at once.
        assert.ok(afterStop < 20_000, `the run ended ${afterStop} ms after the host stopped`);
      } finally {
        run.kill();
      }
    });
  });
});
