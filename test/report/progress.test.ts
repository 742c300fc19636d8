import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { Progress } from '../../lib/report/progress.js';
import { plain, resource, runStart } from './helpers.js';

describe('live progress model', () => {
  it('tracks each host: waiting, in a role with its clock, between roles, failed, unreachable', () => {
    let t = 0;
    const p = new Progress(() => t);
    p.update(runStart(['a', 'bb', 'c', 'd']));
    assert.deepEqual(p.frame(10, plain), ['· a   waiting', '· bb  waiting', '· c   waiting', '· d   waiting']);
    p.update({ kind: 'role-start', play: 'p', role: 'etcd', hosts: ['a', 'bb', 'c', 'd'] });
    t = 3400;
    p.update(resource({ host: 'a', role: 'etcd', status: 'ok', changes: [] }));
    p.update(resource({ host: 'a', role: 'etcd', status: 'changed' }));
    p.update(resource({ host: 'bb', role: 'etcd', status: 'would-change' }));
    p.update({ kind: 'gate', host: 'bb', role: 'etcd', gate: 'health', status: 'retry', attempt: 1, error: 'refused' });
    p.update({ kind: 'role-end', host: 'a', role: 'etcd', ms: 3400, roundTrips: 2, changed: 1 });
    p.update({ kind: 'host-failed', host: 'c', error: '[c] boom\nmore' });
    p.update({ kind: 'unreachable', host: 'd', error: 'refused' });
    assert.deepEqual(p.frame(10, plain), [
      '✓ a   etcd         ok 1 · changed 1',
      '● bb  etcd     3s  ok 0 · changed 1  gate health: attempt 2',
      '✗ c   etcd         ok 0  [c] boom↵more',
      '⊘ d   etcd         ok 0  refused',
    ]);
    // A new role restarts the clock; a failed host stays failed.
    p.update(resource({ host: 'a', role: 'kubelet', status: 'ok', changes: [] }));
    p.update(resource({ host: 'c', role: 'kubelet', status: 'ok', changes: [] }));
    t = 4500;
    assert.deepEqual(p.frame(10, plain).slice(0, 3), [
      '● a   kubelet     1s  ok 2 · changed 1',
      '● bb  etcd        4s  ok 0 · changed 1  gate health: attempt 2',
      '✗ c   etcd            ok 1  [c] boom↵more',
    ]);
  });

  it('with more hosts than rows: running and failed hosts first, the rest summed up', () => {
    const p = new Progress(() => 0);
    const hosts = Array.from({ length: 10 }, (_, i) => `h${i}`);
    p.update(runStart(hosts));
    p.update({ kind: 'role-start', play: 'p', role: 'r', hosts: ['h5', 'h7'] });
    p.update({ kind: 'host-failed', host: 'h9', error: 'x' });
    p.update({ kind: 'role-end', host: 'h7', role: 'r', ms: 1, roundTrips: 1, changed: 0 });
    const f = p.frame(4, plain);
    assert.equal(f.length, 4);
    assert.deepEqual(
      f.map((l) => l.slice(0, 4)),
      ['· h0', '● h5', '✗ h9', '  … '],
      'in inventory order',
    );
    assert.equal(f[3], '  … 7 more hosts: 6 waiting, 1 between roles');
  });
});
