/**
 * Fault family: the controller SIGKILLed at a random moment (seeded) of a converge (#16 items 5 and 6).
 * After each kill the same run again must exit 0, leave no tsplay temp file on any host (it removes the
 * stale ones of the killed run), leave no handler lost (the service serves what its unit file says), and a
 * third run must change nothing. Two workloads: the sample playbook with new -e port/title each time
 * (half the kills right after the unit changed, before its restart handler; half at a random time), and
 * a large generated artifact killed mid-push. TSPLAY_FAULT_KILLS, TSPLAY_FAULT_BLOB_KILLS and
 * TSPLAY_FAULT_BLOB_MB size them (default 12, 4, 50).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import type { Connection } from '../../lib/core/connection.js';
import { count, value } from './counts.js';
import { BLOB_PATH } from './fixtures/blob-artifact.js';
import {
  changedTotal,
  connectAll,
  faultHosts,
  fixture,
  limit,
  random,
  RMDIR_HOST_DIR,
  runAccount,
  sh,
  sleep,
  startTsplay,
  tempFiles,
  tsplay,
  WORK,
  writeInventory,
  type FaultHost,
  type Run,
} from './helpers.js';

const SAMPLE_KILLS = Number(process.env.TSPLAY_FAULT_KILLS ?? 12);
const BLOB_KILLS = Number(process.env.TSPLAY_FAULT_BLOB_KILLS ?? 4);
const BLOB_MB = Number(process.env.TSPLAY_FAULT_BLOB_MB ?? 50);
// The artifact cache of these runs, so the suite never fills the user's.
const ENV = { TSPLAY_CACHE: `${WORK}/cache` };

type KillAt = { readonly atMs: number } | { readonly afterChanged: string; readonly jitterMs: number };
const killLabel = (k: KillAt) => ('atMs' in k ? `at ${k.atMs} ms` : `${k.jitterMs} ms after ${k.afterChanged} changed`);

/** Start a run and SIGKILL it at the moment `at` says; true when it was killed (not finished first). */
async function runAndKill(args: readonly string[], at: KillAt): Promise<Run> {
  const r = startTsplay(args, { env: ENV });
  let timer: NodeJS.Timeout | undefined;
  if ('atMs' in at) timer = setTimeout(() => r.kill(), at.atMs);
  else {
    r.onEvent((e) => {
      if (timer === undefined && e.kind === 'resource' && e.resource === at.afterChanged && e.status === 'changed')
        timer = setTimeout(() => r.kill(), at.jitterMs);
    });
  }
  const run = await r.done;
  clearTimeout(timer);
  return run;
}

/** A 1 MiB random block repeated with a counter: BLOB_MB of incompressible bytes in a fraction of a second. */
function makeBlob(): { path: string; sha256: string } {
  const path = `${WORK}/blob-${BLOB_MB}m.bin`;
  const sumFile = `${path}.sha256`;
  if (existsSync(path) && existsSync(sumFile)) return { path, sha256: readFileSync(sumFile, 'utf8').trim() };
  mkdirSync(WORK, { recursive: true });
  const block = randomBytes(1 << 20);
  const h = createHash('sha256');
  const fd = openSync(path, 'w');
  for (let i = 0; i < BLOB_MB; i++) {
    block.writeUInt32LE(i, 0);
    writeSync(fd, block);
    h.update(block);
  }
  closeSync(fd);
  const sha256 = h.digest('hex');
  writeFileSync(sumFile, sha256);
  return { path, sha256 };
}

describe('fault: controller killed mid-run', () => {
  let hosts: FaultHost[];
  let conns: Map<string, Connection>;
  let inventory: string;
  const sampleArgs = (extra: readonly string[] = []) => ['run', 'playbooks/sample.ts', '-i', inventory, '--limit', limit(hosts), '--json', ...extra];
  const onAll = (cmd: string) => Promise.all([...conns.values()].map((c) => sh(c, cmd)));

  before(async function () {
    hosts = await faultHosts(this);
    conns = await connectAll(hosts);
    inventory = writeInventory(hosts);
  });
  after(async () => {
    if (!conns) return;
    // Leave the hosts as CI's e2e suite left them: the sample app converged with its defaults, no fixture files.
    const restore = await tsplay(sampleArgs());
    await onAll(`rm -f ${BLOB_PATH}; ${RMDIR_HOST_DIR}`);
    await Promise.all([...conns.values()].map((c) => c.close()));
    assert.equal(restore.code, 0, `restoring the sample app's defaults failed: ${runAccount(restore)}`);
  });

  /** The same run again, retried while a lock (of the killed run's remote side, still finishing) refuses it. */
  async function rerun(args: readonly string[], what: string): Promise<Run> {
    for (let attempt = 1; ; attempt++) {
      const r = await tsplay(args, { env: ENV });
      if (r.code === 0 || attempt === 4 || !/locked by/i.test(r.stdout + r.stderr)) return r;
      count('lockWaits', 1, `${what}: attempt ${attempt} refused by a lock`);
      await sleep(1500);
    }
  }

  /** Everything that must hold after a kill: rerun converges, no temp file left, `check` holds, third run is a no-op. */
  async function afterKill(what: string, args: readonly string[], check: (c: Connection, host: string) => Promise<string | undefined>): Promise<void> {
    const again = await rerun(args, what);
    if (again.code !== 0) count('notConverged', 1, `${what}: the rerun failed: ${runAccount(again)}`);
    for (const h of hosts) {
      const left = await tempFiles(conns.get(h.name)!);
      if (left.length) count('killTempFiles', left.length, `${what}: ${h.name}: ${left.join(' ')}`);
      const wrong = await check(conns.get(h.name)!, h.name);
      if (wrong) count('lostHandlers', 1, `${what}: ${h.name}: ${wrong}`);
    }
    const third = await tsplay(args, { env: ENV });
    const changed = changedTotal(third);
    if (third.code !== 0 || changed !== 0) count('notConverged', 1, `${what}: the third run changed ${changed} (${runAccount(third)})`);
  }

  /** The service's listening ports must be exactly the one its unit file starts it on (else its restart was lost). */
  const servesItsUnit = async (c: Connection): Promise<string | undefined> => {
    for (let attempt = 0; ; attempt++) {
      // The service's own process (its MainPID), not any python3: on CI hosts the kubelet and kube-proxy stand-ins listen too.
      const [unitPort = '', listening = ''] = (
        await sh(
          c,
          `sed -n 's/.*http\\.server \\([0-9]*\\).*/\\1/p' /etc/systemd/system/webapp.service | tr '\\n' ' '; echo '|'; pid=$(systemctl show -p MainPID --value webapp.service); ss -ltnpH | awk -v p="pid=$pid," 'index($0, p) {n=split($4,a,":"); print a[n]}' | sort -u | tr '\\n' ' '`,
        )
      )
        .split('|')
        .map((s) => s.trim());
      if (listening === unitPort) return undefined;
      // A restart that has just happened may still be binding: look again before calling the handler lost.
      if (attempt === 4) return `the unit file says port ${unitPort || '(none)'}, the service listens on ${listening || 'nothing'}`;
      await sleep(250);
    }
  };

  it(`${SAMPLE_KILLS} kills of the sample playbook (new port and title each time): rerun converges, nothing left behind, no handler lost`, async () => {
    const rnd = random('kills-sample');
    const warm = await tsplay(sampleArgs(['-e', 'port=9099']));
    assert.equal(warm.code, 0, `the warm-up run failed: ${runAccount(warm)}`);
    let port = 9099;
    let kills = 0;
    for (let attempt = 0; kills < SAMPLE_KILLS && attempt < SAMPLE_KILLS * 2; attempt++) {
      const next = 9100 + Math.floor(rnd() * 90);
      port = next === port ? next + 1 : next;
      const args = sampleArgs(['-e', `port=${port}`, '-e', `title=fault kill ${attempt}`]);
      const at: KillAt = rnd() < 0.5 ? { afterChanged: 'unit:webapp.service', jitterMs: Math.floor(rnd() * 40) } : { atMs: Math.floor(150 + rnd() * warm.ms) };
      const killed = await runAndKill(args, at);
      if (killed.signal !== 'SIGKILL') continue; // it finished first: no kill to recover from
      kills++;
      count('kills');
      await afterKill(`sample kill ${kills} (port=${port}, ${killLabel(at)})`, args, servesItsUnit);
    }
    console.log(
      `      ${kills} kills: ${value('killTempFiles')} temp files left, ${value('lostHandlers')} lost handlers, ${value('notConverged')} reruns not converged`,
    );
    assert.ok(kills >= Math.min(SAMPLE_KILLS, 1), 'no run was killed: every run finished before its kill moment');
  });

  it(`${BLOB_KILLS} kills during a ${BLOB_MB} MB artifact push: rerun converges, no temp file left, the file is whole`, async () => {
    const rnd = random('kills-blob');
    const blob = makeBlob();
    const args = [
      'run',
      fixture('blob-artifact.ts'),
      '-i',
      inventory,
      '--limit',
      limit(hosts),
      '--json',
      '-e',
      `url=file://${blob.path}`,
      '-e',
      `sha256=${blob.sha256}`,
    ];
    const whole = async (c: Connection) => {
      const have = (await sh(c, `sha256sum ${BLOB_PATH} 2>/dev/null | cut -d' ' -f1`)).trim();
      return have === blob.sha256 ? undefined : `after the rerun ${BLOB_PATH} has sha256 ${have || '(missing)'}`;
    };
    await onAll(`rm -f ${BLOB_PATH}`);
    const full = await tsplay(args, { env: ENV });
    assert.equal(full.code, 0, `the first push failed: ${runAccount(full)}`);
    const before = value('killTempFiles');
    let kills = 0;
    for (let attempt = 0; kills < BLOB_KILLS && attempt < BLOB_KILLS * 2; attempt++) {
      await onAll(`rm -f ${BLOB_PATH}`);
      const at = { atMs: Math.floor(300 + rnd() * (full.ms - 300)) };
      const killed = await runAndKill(args, at);
      if (killed.signal !== 'SIGKILL') continue;
      kills++;
      count('kills');
      // A wrong file after the rerun is a failed convergence, not a lost handler: count it there.
      await afterKill(`artifact kill ${kills} (${killLabel(at)} of a ${full.ms} ms push)`, args, async (c) => {
        const wrong = await whole(c);
        if (wrong) count('notConverged', 1, `artifact kill ${kills}: ${c.host}: ${wrong}`);
        return undefined;
      });
    }
    console.log(`      ${kills} kills (a full push takes ${full.ms} ms): ${value('killTempFiles') - before} temp files left after the next run`);
    assert.ok(kills >= Math.min(BLOB_KILLS, 1), 'no push was killed');
  });

  it('no kill left a temp file, lost a handler or a rerun that does not converge', () => {
    assert.deepEqual(
      { tempFiles: value('killTempFiles'), lostHandlers: value('lostHandlers'), notConverged: value('notConverged') },
      { tempFiles: 0, lostHandlers: 0, notConverged: 0 },
    );
  });
});
