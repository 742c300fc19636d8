import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { RunStats } from '../../lib/report/events.js';
import { recapLines } from '../../lib/report/recap.js';
import { exitBits, hostOutcome, roleTimes, totals } from '../../lib/report/summary.js';
import { colour, hostStats, plain } from './helpers.js';

const stats: RunStats = {
  ms: 12_345,
  hosts: {
    'web-01': hostStats({ ok: 12, changed: 2, roundTrips: 3, roleMs: { etcd: 4100, base: 300 } }),
    'web-02': hostStats({ unreachable: true, roleMs: { etcd: 20 } }),
    'db-1': hostStats({ ok: 3, failed: 1, skipped: 4, roundTrips: 2, roleMs: { etcd: 1234, base: 250 } }),
  },
};

describe('report summary', () => {
  it('exit bits: 2 failed, 4 unreachable, both OR-ed, 0 when all converged', () => {
    const only = (h: Record<string, ReturnType<typeof hostStats>>) => exitBits({ ms: 0, hosts: h });
    assert.equal(only({ a: hostStats({ ok: 3, changed: 1 }) }), 0);
    assert.equal(only({ a: hostStats({ failed: 1 }) }), 2);
    assert.equal(only({ a: hostStats({ unreachable: true }) }), 4);
    assert.equal(exitBits(stats), 6);
    assert.equal(only({}), 0);
  });

  it('totals count resources, and failed/unreachable hosts', () => {
    assert.deepEqual(totals(stats), { hosts: 3, ok: 15, changed: 2, failed: 1, skipped: 4, failedHosts: 1, unreachable: 1, roundTrips: 5 });
  });

  it('role times: max and sum over hosts, slowest first', () => {
    assert.deepEqual(roleTimes(stats), [
      { role: 'etcd', maxMs: 4100, sumMs: 5354, hosts: 3 },
      { role: 'base', maxMs: 300, sumMs: 550, hosts: 2 },
    ]);
  });

  it('host outcome, worst first', () => {
    assert.deepEqual(Object.values(stats.hosts).map(hostOutcome), ['changed', 'unreachable', 'failed']);
    assert.equal(hostOutcome(hostStats({ ok: 1 })), 'ok');
  });

  it('recap: aligned counts per host, slowest roles, totals', () => {
    assert.deepEqual(recapLines(stats, { chalk: plain, mode: 'apply' }), [
      '',
      'RECAP',
      'web-01  ok=12  changed=2  failed=0  unreachable=0  skipped=0  round trips=3',
      'web-02  ok=0   changed=0  failed=0  unreachable=1  skipped=0  round trips=0',
      'db-1    ok=3   changed=0  failed=1  unreachable=0  skipped=4  round trips=2',
      '',
      'roles, slowest first (max over hosts · sum)',
      '  etcd    4.1s  · 5.4s over 3 hosts',
      '  base   300ms  · 550ms over 2 hosts',
      '',
      'total 12.3s · 3 hosts · 2 changed · 1 failed · 1 unreachable · 5 round trips',
    ]);
  });

  it('recap in check mode says nothing changed; only the slowest roles are listed', () => {
    const lines = recapLines(stats, { chalk: plain, mode: 'check', slowest: 1 });
    assert.equal(lines[1], 'RECAP (check mode: nothing was changed; changed = would change)');
    assert.deepEqual(lines.slice(6, 8), ['roles, slowest first (max over hosts · sum), 1 of 2', '  etcd    4.1s  · 5.4s over 3 hosts']);
    assert.equal(lines.at(-1), 'total 12.3s · 3 hosts · 2 would change · 1 failed · 1 unreachable · 5 round trips');
  });

  it('the total line counts the start-up in when the CLI measured it, and says "1 round trip"', () => {
    const one: RunStats = { ms: 100, startupMs: 300, hosts: { a: hostStats({ ok: 2, roundTrips: 1, roleMs: { base: 90 } }) } };
    assert.equal(recapLines(one, { chalk: plain, mode: 'apply' }).at(-1), 'total 400ms (start-up 300ms) · 1 host · 0 changed · 1 round trip');
  });

  it('recap colours: host green ok, yellow changed, red failed/unreachable; non-zero counts coloured', () => {
    const one = (h: ReturnType<typeof hostStats>) => recapLines({ ms: 1, hosts: { h } }, { chalk: colour, mode: 'apply' })[2]!;
    assert.ok(one(hostStats({ ok: 1 })).startsWith('\x1b[32mh\x1b[39m  \x1b[32mok=1\x1b[39m  changed=0'));
    assert.ok(one(hostStats({ changed: 1 })).startsWith('\x1b[33mh\x1b[39m  ok=0  \x1b[33mchanged=1\x1b[39m'));
    assert.ok(one(hostStats({ failed: 1 })).startsWith('\x1b[31mh\x1b[39m'));
    assert.ok(one(hostStats({ unreachable: true })).includes('\x1b[31munreachable=1\x1b[39m'));
  });
});
