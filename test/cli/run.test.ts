/** The sample playbook through the real CLI entry against fake hosts: check, apply, no-op, JSON, exit codes. */
import assert from 'node:assert/strict';
import { Fleet, INVENTORY, SAMPLE, tsplay } from './helpers.js';

const run = (fleet: Fleet, ...args: string[]) => tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, ...args);
const NAMES = ['web-1', 'web-2', 'rhel-1'];

interface JsonEvent {
  kind: string;
  host?: string;
  status?: string;
  resource?: string;
  stats?: { hosts: Record<string, { changed: number; ok: number; roundTrips: number }> };
}
const events = (out: string): JsonEvent[] =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JsonEvent);
const runEnd = (out: string) => events(out).find((e) => e.kind === 'run-end')!.stats!;

describe('tsplay run (sample playbook, fake hosts)', () => {
  it('check mode reports every change and touches nothing', async () => {
    const fleet = new Fleet();
    const r = await run(fleet, '--check');
    assert.equal(r.code, 0, r.err);
    for (const n of NAMES) {
      assert.match(r.out, new RegExp(`would change\\s+\\[${n}\\] webapp › unit:webapp.service`));
      assert.deepEqual(fleet.get(n).log, [], `${n} was touched`);
      assert.equal(fleet.get(n).read('/etc/webapp/webapp.conf'), undefined);
    }
    assert.match(r.out, /check mode: nothing was changed/);
    assert.match(r.out, /\+port = 8080/, 'check mode shows diffs');
    assert.match(r.out, /service:webapp.service .*depends on earlier change to unit:webapp.service/);
  });

  it('apply converges every host, runs the handler once, passes the gate; a second run changes nothing in one round trip', async () => {
    const fleet = new Fleet();
    const first = await run(fleet, '--json');
    assert.equal(first.code, 0, first.err);
    for (const n of NAMES) {
      const h = fleet.get(n);
      assert.deepEqual(h.service('webapp.service'), { enabled: true, active: true });
      assert.match(h.read('/srv/webapp/www/index.html')!, n === 'rhel-1' ? /Rocky web/ : /Hello from tsplay/);
      assert.equal(h.log.filter((a) => a.a === 'systemctl' && a.verb === 'restart').length, 1, `${n}: one restart`);
    }
    assert.ok(events(first.out).some((e) => e.kind === 'gate' && e.status === 'ok'));
    const second = await run(fleet, '--json');
    assert.equal(second.code, 0);
    for (const [name, h] of Object.entries(runEnd(second.out).hosts)) {
      assert.equal(h.changed, 0, `${name} changed`);
      assert.equal(h.roundTrips, 1, `${name} round trips`);
    }
    assert.deepEqual(fleet.connects.filter((n) => n === 'web-1').length, 2, 'one connection per host per run');
    const check = await run(fleet, '--check');
    assert.equal(check.code, 0);
    assert.doesNotMatch(check.out, /would change\s+\[/);
    assert.match(check.out, /0 would change/);
  });

  it('--verify runs the health gates on a converged host too', async () => {
    const fleet = new Fleet();
    await run(fleet);
    const quiet = await run(fleet, '--json');
    assert.equal(events(quiet.out).filter((e) => e.kind === 'gate').length, 0, 'a no-op run checks no health by default');
    const r = await run(fleet, '--json', '--verify');
    assert.equal(r.code, 0, r.err);
    assert.equal(events(r.out).filter((e) => e.kind === 'gate' && e.status === 'ok').length, NAMES.length);
    for (const h of Object.values(runEnd(r.out).hosts)) assert.deepEqual([h.changed, h.roundTrips], [0, 2]);
  });

  it('-e overrides a var, typed as its default, and --diff shows what changed', async () => {
    const fleet = new Fleet();
    await run(fleet);
    const r = await run(fleet, '-e', 'port=9090', '-e', 'features={"gzip":false}', '--diff');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /-port = 8080\n\s*\+port = 9090/);
    assert.match(fleet.get('web-1').read('/etc/webapp/conf.d/gzip.conf')!, /gzip = off/);
    assert.equal(fleet.get('web-1').read('/etc/webapp/conf.d/cache.conf'), '# Managed by tsplay (role webapp)\ncache = off\n'.replace('off', 'on'));
  });

  it('--tags and --limit narrow the run', async () => {
    const fleet = new Fleet();
    await run(fleet);
    fleet.connects.length = 0;
    const r = await run(fleet, '--tags', 'config', '--limit', 'web-2', '--json', '-e', 'features={"gzip":false}');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(fleet.connects, ['web-2']);
    const ids = events(r.out)
      .filter((e) => e.kind === 'resource')
      .map((e) => e.resource!);
    assert.ok(ids.length > 0 && ids.every((id) => id.startsWith('file:/etc/webapp/conf.d/')), ids.join(', '));
  });

  it('an unreachable host sets exit bit 4 and the others converge', async () => {
    const fleet = new Fleet();
    fleet.down.add('web-2');
    const r = await run(fleet);
    assert.equal(r.code, 4);
    assert.match(r.err, /web-2.*ECONNREFUSED/);
    assert.match(r.out, /web-2 .*unreachable=1/);
    assert.deepEqual(fleet.get('web-1').service('webapp.service'), { enabled: true, active: true });
  });

  it('a failing host sets exit bit 2, names the resource and stderr, and the others converge', async () => {
    const fleet = new Fleet();
    fleet.get('web-1').catalog.delete('python3');
    fleet.down.add('rhel-1');
    const r = await run(fleet);
    assert.equal(r.code, 2 | 4);
    assert.match(r.err, /\[web-1\] package:python3: exited \d+/);
    assert.deepEqual(fleet.get('web-2').service('webapp.service'), { enabled: true, active: true });
  });
});
