import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'mocha';
import { Fleet, INVENTORY, SAMPLE, tsplay } from '../cli/helpers.js';

describe('tsplay run --check --plan-out, then --plan', () => {
  it('plans, applies exactly the plan, refuses a drifted host and a plan of other -e vars', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tsplay-plan-'));
    try {
      const file = join(tmp, 'plan.json');
      const fleet = new Fleet();
      const planned = await tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, '--check', '--plan-out', file);
      assert.equal(planned.code, 0, planned.err);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const hosts = (JSON.parse(readFileSync(file, 'utf8')) as { hosts: { host: string }[] }).hosts.map((h) => h.host);
      assert.ok(hosts.length > 0);
      const other = await tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, '--plan', file, '-e', 'title=Other title');
      assert.equal(other.code & 1, 1);
      assert.match(other.err, /-e vars differ/);
      // drift one file the plan writes on the first host
      const h = fleet.get(hosts[0]!);
      const path = (JSON.parse(readFileSync(file, 'utf8')) as { hosts: { roles: { resources: { id: string }[] }[] }[] }).hosts[0]!.roles.flatMap(
        (r) => r.resources,
      )
        .map((r) => r.id)
        .find((id) => id.startsWith('file:'))!
        .slice(5);
      h.seedFile(path, 'drifted\n');
      const applied = await tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, '--plan', file);
      console.log('      drifted', path, 'exit', applied.code);
      assert.equal(applied.code & 2, 2, applied.out);
      assert.match(applied.out + applied.err, /refused by the plan/);
      assert.equal(h.read(path), 'drifted\n');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('apply with an unchanged state converges; a second plan has nothing to do', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tsplay-plan-'));
    try {
      const file = join(tmp, 'plan.json');
      const fleet = new Fleet();
      assert.equal((await tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, '--check', '--plan-out', file)).code, 0);
      const applied = await tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, '--plan', file);
      assert.equal(applied.code, 0, applied.out + applied.err);
      assert.equal((await tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, '--check', '--plan-out', file)).code, 0);
      const all = (JSON.parse(readFileSync(file, 'utf8')) as { hosts: { roles: { resources: { list?: unknown[]; secret?: true }[] }[] }[] }).hosts.flatMap(
        (h) => h.roles.flatMap((r) => r.resources),
      );
      assert.deepEqual(
        all.filter((r) => (r.list ?? []).length > 0),
        [],
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
