/**
 * haproxy + keepalived on the lab's lb hosts (lab-4, lab-5; inventory/lab-cluster.ts, VIP 10.231.0.10)
 * through the real CLI: converge, no-op, check; the VIP on exactly one lb host (lab-4, priority 150)
 * and answering on the API port; stopping keepalived on the holder moves the VIP to lab-5, and so does
 * stopping haproxy (the check script); each measured. Ends converged with the VIP back on lab-4.
 * Needs lab-1..5 up (the backends are lab-1..3; nothing there is touched).
 */
import assert from 'node:assert/strict';
import type { Connection } from '../../lib/core/connection.js';
import { connectSsh } from '../../lib/transport/ssh.js';
import { sum, tsplayJson } from '../e2e/cli.js';
import { asHost, paths, requireLab } from './lab-hosts.js';

const RUN = ['run', 'playbooks/lb.ts', '-i', 'inventory/lab-cluster.ts'];
const VIP = '10.231.0.10';
const HOLDS = `ip -o addr show dev host0 | grep -q ' ${VIP}/'`;

/** Poll `cmd` on a host every 50 ms until it succeeds; the ms it took. */
async function until(c: Connection, cmd: string, limitMs: number): Promise<number> {
  const start = Date.now();
  while ((await c.exec(cmd)).exitCode !== 0) {
    if (Date.now() - start > limitMs) throw new Error(`\`${cmd}\` did not succeed within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - start;
}

describe('haproxy + keepalived on the lab: the API VIP', function () {
  this.timeout(180_000);
  let lb4: Connection;
  let lb5: Connection;
  const holders = async () =>
    (await Promise.all([lb4, lb5].map(async (c) => (await c.exec(HOLDS)).exitCode === 0))).flatMap((h, i) => (h ? [`lab-${i + 4}`] : []));

  before(async function () {
    const state = await requireLab(this, 5);
    const at = (n: string) => connectSsh(asHost(state.hosts.find((h) => h.name === n)!), { knownHosts: paths.knownHosts, connectTimeoutMs: 5000 });
    [lb4, lb5] = await Promise.all([at('lab-4'), at('lab-5')]);
  });
  after(async () => {
    await Promise.all([lb4, lb5].map((c) => c?.exec('systemctl start haproxy keepalived')));
    await Promise.all([lb4?.close(), lb5?.close()]);
  });

  it('converges with its gates, then a re-run and --check change nothing', async () => {
    const first = await tsplayJson(RUN);
    assert.equal(first.code, 0, first.stderr + JSON.stringify(first.events.filter((e) => e.status === 'failed' || e.kind === 'gate')));
    console.log(`    converge: ${first.ms} ms wall, ${sum(first, 'changed')} changed`);
    const again = await tsplayJson(RUN);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(sum(again, 'changed'), 0);
    console.log(`    no-op: ${again.ms} ms wall`);
    const check = await tsplayJson([...RUN, '--check']);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(sum(check, 'changed'), 0);
  });

  it('the VIP is on exactly one lb host, the highest priority, and haproxy answers on it', async () => {
    assert.deepEqual(await holders(), ['lab-4']);
    for (const c of [lb4, lb5]) {
      const r = await c.exec(`timeout 3 bash -c 'exec 3<>/dev/tcp/${VIP}/6443'`);
      assert.equal(r.exitCode, 0, `VIP:6443 from a lb host: ${r.stderr}`);
    }
  });

  it('stopping keepalived on the holder moves the VIP to the other lb host; starting it takes it back', async () => {
    const stop = lb4.exec('systemctl stop keepalived');
    const moved = await until(lb5, HOLDS, 15_000);
    await stop;
    assert.deepEqual(await holders(), ['lab-5']);
    console.log(`    keepalived stopped on lab-4: VIP on lab-5 after ${moved} ms`);
    await lb4.exec('systemctl start keepalived');
    const back = await until(lb4, HOLDS, 20_000);
    await until(lb5, `! ${HOLDS}`, 5_000);
    console.log(`    keepalived started on lab-4: VIP back after ${back} ms (preempt)`);
  });

  it('stopping haproxy on the holder moves the VIP (check script); a run restarts haproxy and the VIP returns', async () => {
    const stop = lb4.exec('systemctl stop haproxy');
    const moved = await until(lb5, HOLDS, 15_000);
    await stop;
    console.log(`    haproxy stopped on lab-4: VIP on lab-5 after ${moved} ms`);
    assert.equal((await lb5.exec(`timeout 3 bash -c 'exec 3<>/dev/tcp/${VIP}/6443'`)).exitCode, 0, 'the VIP still serves');
    const repair = await tsplayJson(RUN);
    assert.equal(repair.code, 0, repair.stderr);
    assert.equal(sum(repair, 'changed'), 1, 'only haproxy started again');
    await until(lb4, HOLDS, 20_000);
    await until(lb5, `! ${HOLDS}`, 5_000);
    assert.deepEqual(await holders(), ['lab-4']);
  });
});
