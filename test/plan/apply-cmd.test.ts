/**
 * `tsplay apply PLAN` (fake hosts): the plan names its playbook, inventory and options, so apply needs only
 * the file; it refuses what run --plan refuses (other -e vars, a changed inventory, a drifted host) and a
 * plan that does not name them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { applyFlags } from '../../lib/cli/apply-cmd.js';
import { Fleet, INVENTORY, SAMPLE, tsplay } from '../cli/helpers.js';

interface Plan {
  source: { run?: Record<string, unknown> };
  hosts: { host: string; roles: { resources: { id: string; list?: unknown[] }[] }[] }[];
}
const readPlan = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as Plan;

describe('tsplay apply PLAN', () => {
  let tmp: string;
  beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'tsplay-apply-'))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('the plan records the playbook, the inventory and the options that chose what it planned; apply runs exactly them', async () => {
    const file = join(tmp, 'plan.json');
    const fleet = new Fleet();
    const planned = await tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, '--check', '--plan-out', file, '--limit', 'web', '--tags', 'webapp');
    assert.equal(planned.code, 0, planned.err);
    assert.deepEqual(readPlan(file).source.run, { playbook: resolve(SAMPLE), inventory: resolve(INVENTORY), limit: 'web', tags: ['webapp'], extraVars: false });
    assert.deepEqual(
      readPlan(file).hosts.map((h) => h.host),
      ['web-1', 'web-2'],
    );
    fleet.connects.length = 0;
    const applied = await tsplay(fleet, 'apply', file);
    assert.equal(applied.code, 0, applied.out + applied.err);
    assert.deepEqual([...new Set(fleet.connects)].sort(), ['web-1', 'web-2'], "the plan's --limit: rhel-1 untouched");
    const again = await tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, '--check', '--plan-out', file, '--limit', 'web', '--tags', 'webapp');
    assert.equal(again.code, 0);
    assert.deepEqual(
      readPlan(file)
        .hosts.flatMap((h) => h.roles.flatMap((r) => r.resources))
        .filter((r) => (r.list ?? []).length),
      [],
      'applied: a new plan has nothing to do',
    );
  });

  it('refuses as run --plan does: a drifted host (naming the resource), other -e vars, a plan made with -e given none', async () => {
    const file = join(tmp, 'plan.json');
    const fleet = new Fleet();
    assert.equal((await tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, '--check', '--plan-out', file, '-e', 'title=Planned')).code, 0);
    const none = await tsplay(fleet, 'apply', file);
    assert.equal(none.code, 1);
    assert.match(none.err, /plan\.json: the plan was made with -e vars: give the same -e again/);
    const other = await tsplay(fleet, 'apply', file, '-e', 'title=Other');
    assert.equal(other.code & 1, 1);
    assert.match(other.err, /the plan was made from something else: -e vars differ/);
    const path = readPlan(file)
      .hosts[0]!.roles.flatMap((r) => r.resources)
      .map((r) => r.id)
      .find((id) => id.startsWith('file:'))!
      .slice(5);
    const h = fleet.get(readPlan(file).hosts[0]!.host);
    h.seedFile(path, 'drifted\n');
    const drifted = await tsplay(fleet, 'apply', file, '-e', 'title=Planned');
    assert.equal(drifted.code & 2, 2, drifted.out);
    assert.match(drifted.out + drifted.err, /refused by the plan/);
    assert.equal(h.read(path), 'drifted\n');
  });

  it('refuses a plan made from another version of the inventory', async () => {
    const inv = join(tmp, 'inventory.ts');
    const dsl = JSON.stringify(resolve('lib/dsl/inventory.js'));
    const write = (title: string) =>
      writeFileSync(
        inv,
        `import { defineInventory } from ${dsl};\nexport default defineInventory({ defaults: { transport: 'fake' }, hosts: { 'web-1': { address: '192.0.2.11', vars: { webapp: { title: '${title}' } } } } });\n`,
      );
    writeFileSync(join(tmp, 'package.json'), '{ "type": "module" }\n');
    write('One');
    const file = join(tmp, 'plan.json');
    const fleet = new Fleet();
    const planned = await tsplay(fleet, 'run', SAMPLE, '-i', inv, '--check', '--plan-out', file);
    assert.equal(planned.code, 0, planned.err);
    write('Two');
    const applied = await tsplay(fleet, 'apply', file);
    assert.equal(applied.code, 1);
    assert.match(applied.err, /the plan was made from something else: inventory .*inventory\.ts changed since the plan/);
  });

  it('a plan without its run (an older tsplay), a missing playbook, not a plan: clear errors naming the file', () => {
    const file = join(tmp, 'plan.json');
    const base = { extraVar: [], verbose: 0, lockTimeout: 60, connectTimeout: 10 };
    writeFileSync(file, JSON.stringify({ format: 'tsplay-plan/1', source: { tsplay: '0' }, hosts: [] }));
    assert.throws(() => applyFlags(file, base), /plan\.json: the plan does not name its playbook and inventory .*tsplay run PLAYBOOK -i INV --plan FILE/);
    writeFileSync(
      file,
      JSON.stringify({
        format: 'tsplay-plan/1',
        source: { run: { playbook: join(tmp, 'gone.ts'), inventory: join(tmp, 'gone.ini'), extraVars: false } },
        hosts: [],
      }),
    );
    assert.throws(() => applyFlags(file, base), /plan\.json: the plan's playbook .*gone\.ts is not there any more/);
    writeFileSync(file, '{"format":"other"}');
    assert.throws(() => applyFlags(file, base), /plan\.json: not a tsplay plan file/);
    assert.throws(() => applyFlags(join(tmp, 'nope.json'), base), /nope\.json: plan file not found/);
  });
});
