/**
 * Fault family: two runs at once against one host, each adding its own line() to the same file (#16 item 7).
 * Each pair must end with both lines in the file, or with one run refused (non-zero, "locked by ...") and
 * the other's line in place; never both exit 0 with a line lost. TSPLAY_FAULT_PAIRS sets N (default 10).
 */
import assert from 'node:assert/strict';
import type { Connection } from '../../lib/core/connection.js';
import { count, value } from './counts.js';
import { CONCURRENT_FILE } from './fixtures/concurrent-line.js';
import { connectAll, faultHosts, fixture, random, RMDIR_HOST_DIR, sh, sleep, tsplay, writeInventory, type FaultHost, type Run } from './helpers.js';

const PAIRS = Number(process.env.TSPLAY_FAULT_PAIRS ?? 10);

const ok = (r: Run) => r.code === 0;
const lockedRefusal = (r: Run) => r.code !== 0 && /locked by/i.test(r.stdout + r.stderr);

describe('fault: concurrent runs on one host', () => {
  let hosts: FaultHost[];
  let conns: Map<string, Connection>;
  let inventory: string;
  before(async function () {
    hosts = await faultHosts(this);
    conns = await connectAll(hosts);
    inventory = writeInventory(hosts);
    await Promise.all([...conns.values()].map((c) => sh(c, `rm -f ${CONCURRENT_FILE}`)));
  });
  after(async () => {
    await Promise.all([...(conns?.values() ?? [])].map((c) => sh(c, `rm -f ${CONCURRENT_FILE}; ${RMDIR_HOST_DIR}`).finally(() => c.close())));
  });

  it(`${PAIRS} pairs of simultaneous line() edits: both land, or one is refused with "locked by"`, async () => {
    const rnd = random('concurrent');
    // Drawn up front, in order, so the pairs running in parallel do not change the sequence.
    const jitters = Array.from({ length: PAIRS }, () => Math.floor(rnd() * 60));
    const onePair = async (i: number, h: FaultHost) => {
      const lines = ['a', 'b'].map((s) => `pair ${i}${s} ${Date.now()}`);
      const run = (l: string) => tsplay(['run', fixture('concurrent-line.ts'), '-i', inventory, '--limit', h.name, '-e', `line=${l}`]);
      const first = run(lines[0]!);
      await sleep(jitters[i]!);
      const runs = await Promise.all([first, run(lines[1]!)]);
      const text = (await sh(conns.get(h.name)!, `cat ${CONCURRENT_FILE} 2>/dev/null || :`)).split('\n');
      const present = lines.map((l) => text.includes(l));
      const what = `pair ${i} on ${h.name} (second started ${jitters[i]} ms later): exits ${runs.map((r) => r.code).join('/')}, lines present ${present.join('/')}`;
      count('pairs');
      if (runs.every(ok)) {
        if (present.every(Boolean)) count('pairsBothLanded');
        else count('lostEdits', 1, what);
      } else if (runs.some(ok) && runs.some(lockedRefusal)) {
        const winner = runs.findIndex(ok);
        if (present[winner]) count('pairsRefused');
        else count('lostEdits', 1, `${what} (the run that exited 0 lost its line)`);
      } else {
        const loser = runs.find((r) => !ok(r))!;
        count('unclearPairs', 1, `${what}: ${(loser.stderr + loser.stdout).trim().split('\n').slice(-3).join(' | ').slice(0, 300)}`);
      }
    };
    for (let round = 0; round * hosts.length < PAIRS; round++) {
      await Promise.all(hosts.map((h, j) => (round * hosts.length + j < PAIRS ? onePair(round * hosts.length + j, h) : undefined)));
    }
    console.log(
      `      ${PAIRS} pairs: ${value('pairsBothLanded')} both landed, ${value('pairsRefused')} refused by the lock, ${value('lostEdits')} lost an edit, ${value('unclearPairs')} unclear`,
    );
    assert.equal(value('lostEdits'), 0, 'a pair of runs both exited 0 and one line is missing (no per-host lock)');
    assert.equal(value('unclearPairs'), 0, 'a pair ended in neither both lines nor a clear "locked by" refusal');
  });
});
