/** --start-at ROLE: earlier plays and roles left out, batch hooks kept; an unknown role is refused before any host is touched. */
import assert from 'node:assert/strict';
import { startAt } from '../../lib/cli/start-at.js';
import type { CompiledPlay } from '../../lib/runner/compile.js';
import { Fleet, INVENTORY, SAMPLE, tsplay } from './helpers.js';

const play = (name: string, roles: (string | [string, 'before' | 'after'])[]) =>
  ({
    play: { name },
    hosts: [],
    batches: [],
    roles: roles.map((r) => (typeof r === 'string' ? { name: r, perHost: new Map() } : { name: r[0], hook: r[1], perHost: new Map() })),
  }) as unknown as CompiledPlay;

const shape = (plays: CompiledPlay[]) => plays.map((p) => `${p.play.name}: ${p.roles.map((r) => r.name).join(',')}`);

describe('--start-at', () => {
  const plays = [
    play('etcd', ['prereqs', 'etcd']),
    play('cp', [['cordon', 'before'], 'certs', 'apiserver', 'scheduler', ['uncordon', 'after']]),
    play('nodes', ['kubelet']),
  ];

  it('leaves out earlier plays and roles, keeps the batch hooks of the play it starts in', () => {
    assert.deepEqual(shape(startAt(plays, 'apiserver')), ['cp: cordon,apiserver,scheduler,uncordon', 'nodes: kubelet']);
    assert.deepEqual(shape(startAt(plays, 'prereqs')), shape(plays));
  });

  it('a role no play runs (or only a hook) is refused, with did-you-mean', () => {
    assert.throws(() => startAt(plays, 'apiservr'), /--start-at: no play runs a role "apiservr".*Did you mean "apiserver"/);
    assert.throws(() => startAt(plays, 'cordon'), /no play runs a role "cordon"/);
  });

  it('through the CLI: an unknown role exits 1 and touches nothing', async () => {
    const fleet = new Fleet();
    const r = await tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, '--start-at', 'webap');
    assert.equal(r.code, 1);
    assert.match(r.err, /--start-at: no play runs a role "webap".*"webapp"/);
    assert.deepEqual(fleet.connects, []);
    const ok = await tsplay(new Fleet(), 'run', SAMPLE, '-i', INVENTORY, '--start-at', 'webapp', '--list-tasks');
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /role webapp/);
  });
});
