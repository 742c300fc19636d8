import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { definePlaybook } from '../../lib/dsl/playbook.js';
import type { Mode } from '../../lib/report/events.js';
import { runPlaybook } from '../../lib/runner/run.js';
import { recordRole, type HostPlan, type PlanHook, type RolePlan } from '../../lib/runner/plan/index.js';
import { FakeHost } from '../../lib/testing/index.js';
import { compileWith, fileRole, inventory, Recorder } from '../runner/helpers.js';

const inv = inventory(['h1', 'h2']);
const a = fileRole('a', { '/etc/a1': '1\n', '/etc/a2': '2\n' });
const b = fileRole('b', { '/etc/a1': '1\n', '/etc/b': 'b\n' });
const pb = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [a, b] }] });

async function run(drivers: Map<string, FakeHost>, mode: Mode, plan: PlanHook) {
  const rec = new Recorder();
  const stats = await runPlaybook(
    compileWith(pb, inv),
    inv.cluster,
    { playbook: 'pb', mode, diff: false, plan },
    { reporter: rec, sleep: async () => {}, now: () => 0, connect: async (h) => drivers.get(h.name)! },
  );
  return { rec, stats };
}

/** Record a check run into HostPlans; replay looks them up. */
function recorder() {
  const hosts = new Map<string, RolePlan[]>();
  const hook: PlanHook = { record: (host, role, p) => hosts.set(host, [...(hosts.get(host) ?? []), recordRole(role, p)]) };
  const replay = (): PlanHook => ({ replay: (host, role) => hosts.get(host)?.find((r) => r.role === role) });
  return { hook, replay, plans: (): HostPlan[] => [...hosts].map(([host, roles]) => ({ host, roles })) };
}

describe('plan files through the runner', () => {
  it('check records every role on every host; apply applies it; the next plan has nothing to do', async () => {
    const drivers = new Map(['h1', 'h2'].map((n) => [n, FakeHost.debian(n)]));
    const r = recorder();
    await run(drivers, 'check', r.hook);
    assert.deepEqual(
      r
        .plans()
        .map((h) => `${h.host}: ${h.roles.map((x) => x.role).join(',')}`)
        .sort(),
      ['h1: a,b', 'h2: a,b'],
    );
    // b's /etc/a1 read what a would write: dependsOn, compared by its fresh actions (none, so: refused)
    assert.deepEqual(r.plans()[0]!.roles[1]!.resources[0]!.dependsOn, ['file:/etc/a1']);
    const { stats } = await run(drivers, 'apply', r.replay());
    console.log(
      '      figures:',
      JSON.stringify(Object.fromEntries(Object.entries(stats.hosts).map(([h, s]) => [h, { changed: s.changed, failed: s.failed }]))),
    );
    assert.equal(drivers.get('h1')!.read('/etc/a2'), '2\n');
    assert.equal(drivers.get('h1')!.read('/etc/b'), undefined, 'role b refused: its planned write of /etc/a1 had become nothing to do');
    assert.ok(stats.hosts.h1!.failed > 0);
  });

  it('a host whose state drifted is refused, naming the resource; the other host applies', async () => {
    const one = fileRole('one', { '/etc/x': 'x\n', '/etc/y': 'y\n' });
    const pb1 = definePlaybook({ name: 'pb1', plays: [{ name: 'p', hosts: 'all', roles: [one] }] });
    const drivers = new Map(['h1', 'h2'].map((n) => [n, FakeHost.debian(n)]));
    const r = recorder();
    const go = async (mode: Mode, plan: PlanHook) => {
      const rec = new Recorder();
      const stats = await runPlaybook(
        compileWith(pb1, inv),
        inv.cluster,
        { playbook: 'pb1', mode, diff: false, plan },
        { reporter: rec, sleep: async () => {}, now: () => 0, connect: async (h) => drivers.get(h.name)! },
      );
      return { rec, stats };
    };
    await go('check', r.hook);
    drivers.get('h1')!.seedFile('/etc/y', 'by hand\n');
    const { rec } = await go('apply', r.replay());
    const errors = rec.events.filter((e) => JSON.stringify(e).includes('refused by the plan')).map((e) => JSON.stringify(e));
    assert.ok(
      errors.some((e) => e.includes('file:/etc/y') && e.includes('drifted')),
      errors.join('\n') || JSON.stringify(rec.events.filter((e) => e.kind !== 'resource')),
    );
    assert.equal(drivers.get('h1')!.read('/etc/x'), undefined, 'nothing applied on the drifted host');
    assert.equal(drivers.get('h2')!.read('/etc/x'), 'x\n');
  });
});
