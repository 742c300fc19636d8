/** For integration tests: the hosts of the lab that is up (from its state file), as inventory Hosts. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Host } from '../../lib/core/model.js';
import { labPaths } from '../../lib/lab/paths.js';
import { readState, type LabState } from '../../lib/lab/state.js';
import { sshBanner } from '../../lib/lab/wait.js';

export const paths = labPaths();

export const asHost = (h: { name: string; address: string }, key = paths.key): Host => ({
  name: h.name,
  address: h.address,
  port: 22,
  user: 'root',
  key,
  transport: 'ssh',
  groups: ['all', 'lab'],
  vars: {},
});

/** The lab's state when at least `min` hosts answer ssh; otherwise skip the suite, saying why (or fail, in CI). */
export async function requireLab(ctx: Mocha.Context, min: number): Promise<LabState> {
  const state = await readState(paths.state);
  const up = state ? await Promise.all(state.hosts.map((h) => sshBanner(h.address))) : [];
  if (!state || up.filter(Boolean).length < min) {
    // test/all.sh brought the lab up: a missing host there is a failure, not a reason to skip.
    if (process.env.TSPLAY_LAB_REQUIRED === '1') throw new Error(`needs a lab of at least ${min} hosts up, found ${up.filter(Boolean).length}`);
    console.log(`    (skipped: needs a lab of at least ${min} hosts up; run \`tsplay lab up --hosts ${min}\` as root)`);
    ctx.skip();
  }
  return state!;
}

const BIN = fileURLToPath(new URL('../../lib/cli/bin.js', import.meta.url));

/** A command on a lab host through `tsplay lab ssh`, stdout and stderr as one text; its exit code echoed back. */
export async function onHost(host: string, command: string): Promise<{ code: number; out: string }> {
  const r = await promisify(execFile)(process.execPath, [BIN, 'lab', 'ssh', host, '--', `{ ${command}\n} 2>&1; echo "__rc=$?"`], { timeout: 30000 });
  const m = /__rc=(\d+)\s*$/.exec(r.stdout);
  return { code: m ? Number(m[1]) : -1, out: r.stdout.replace(/__rc=\d+\s*$/, '') };
}
