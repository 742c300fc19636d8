/** Rolling roles: handlers and gates take turns across hosts, so a restart never takes down a quorum. */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { definePlaybook } from '../../lib/dsl/playbook.js';
import { defineRole } from '../../lib/dsl/role.js';
import { file } from '../../lib/resources/index.js';
import { FakeHost } from '../../lib/testing/index.js';
import { inventory, runWith } from './helpers.js';

const NAMES = ['m1', 'm2', 'm3'];

function member(rolling: boolean, timeline: string[]) {
  return defineRole({
    name: 'member',
    defaults: {},
    rolling,
    resources: () => [file({ path: '/etc/member.conf', content: 'v2', notify: 'restart' })],
    handlers: () => ({ restart: [{ a: 'command', command: 'restart member' }] }),
    verify: [
      {
        name: 'healthy',
        async check({ host }) {
          await new Promise((r) => setImmediate(r));
          timeline.push(`${host.name} healthy`);
        },
      },
    ],
  });
}

async function run(rolling: boolean): Promise<string[]> {
  const timeline: string[] = [];
  const drivers = new Map(NAMES.map((n) => [n, FakeHost.debian(n).script('restart member', () => void timeline.push(`${n} restart`))]));
  const pb = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [member(rolling, timeline)] }] });
  const { stats } = await runWith(pb, inventory(NAMES), { drivers });
  assert.ok(Object.values(stats.hosts).every((h) => h.failed === 0));
  return timeline;
}

describe('rolling roles', () => {
  it('one host restarts and passes its gate before the next restarts', async () => {
    const t = await run(true);
    assert.equal(t.length, 6);
    for (let i = 0; i < t.length; i += 2) {
      const host = t[i]!.split(' ')[0];
      assert.deepEqual([t[i], t[i + 1]], [`${host} restart`, `${host} healthy`], t.join(', '));
    }
  });

  it('without rolling, restarts go in parallel (the difference the option makes)', async () => {
    const t = await run(false);
    assert.deepEqual(
      t.slice(0, 3).map((e) => e.split(' ')[1]),
      ['restart', 'restart', 'restart'],
      t.join(', '),
    );
  });

  it('a host whose turn fails stops the rolling restart: the hosts after it are not restarted and fail, naming it', async () => {
    const timeline: string[] = [];
    const drivers = new Map(NAMES.map((n) => [n, FakeHost.debian(n).script('restart member', () => void timeline.push(`${n} restart`))]));
    const first = { sick: '' };
    // Whichever host takes the first turn is the one that does not come back.
    const role = defineRole({
      ...member(true, timeline),
      verify: [
        {
          name: 'healthy',
          async check({ host }) {
            first.sick ||= host.name;
            if (host.name === first.sick) throw new Error(`${host.name} did not come back`);
            timeline.push(`${host.name} healthy`);
          },
        },
      ],
    });
    const pb = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [role] }] });
    const { stats, rec } = await runWith(pb, inventory(NAMES), { drivers });
    assert.deepEqual(timeline, [`${first.sick} restart`], 'only the first host restarted');
    assert.ok(
      Object.values(stats.hosts).every((h) => h.failed > 0),
      JSON.stringify(stats.hosts),
    );
    const others = NAMES.filter((n) => n !== first.sick);
    for (const n of others) {
      const failed = rec.of('host-failed').find((e) => e.host === n);
      assert.match(failed?.error ?? '', new RegExp(`rolling restart stopped at ${first.sick}`));
    }
  });
});
