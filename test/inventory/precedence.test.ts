/** A host in two groups that set one var differently: which group won, and why, is said (tsplay run -v). */
import assert from 'node:assert/strict';
import { secret } from '../../lib/core/secret.js';
import { buildInventory } from '../../lib/inventory/build.js';
import { conflictNotes, varConflicts } from '../../lib/inventory/precedence.js';

const hosts = { a: { address: '10.0.0.1' }, b: { address: '10.0.0.2' } };

describe('group var precedence', () => {
  it('two groups of the same depth: the one declared later wins, and the conflict names both', () => {
    const inv = buildInventory({ hosts, groups: { blue: { hosts: ['a', 'b'], vars: { port: 1 } }, green: { hosts: ['a'], vars: { port: 2 } } } }, 'inv.ts');
    assert.equal(inv.hosts[0]!.vars.port, 2);
    assert.deepEqual(varConflicts(inv), [{ host: 'a', key: 'port', winner: 'green', losers: ['blue'], reason: 'declared later' }]);
    assert.deepEqual(conflictNotes(inv), [
      'note: inv.ts: host a takes port = 2 from group green, not from group blue (1) (groups of the same depth: the one declared later wins)',
    ]);
  });

  it('a child group beats its parent whatever the order they are declared in', () => {
    const inv = buildInventory({ hosts, groups: { leaf: { hosts: ['a'], vars: { port: 2 } }, top: { children: ['leaf'], vars: { port: 1 } } } });
    assert.equal(inv.hosts[0]!.vars.port, 2);
    assert.deepEqual(
      varConflicts(inv).map((c) => [c.host, c.winner, c.reason]),
      [['a', 'leaf', 'deeper']],
    );
  });

  it('no conflict: equal values, a var only one group sets, or a host that sets the var itself', () => {
    const inv = buildInventory({
      hosts: { ...hosts, b: { address: '10.0.0.2', vars: { port: 9 } } },
      groups: {
        x: { hosts: ['a', 'b'], vars: { port: 1, list: [1] } },
        y: { hosts: ['a', 'b'], vars: { list: [1], only_y: true } },
        z: { hosts: ['b'], vars: { port: 3 } },
      },
    });
    assert.deepEqual(varConflicts(inv), []);
  });

  it('secret values are never shown', () => {
    const inv = buildInventory({
      hosts,
      groups: { p: { hosts: ['a'], vars: { pw: secret('hunter22') } }, q: { hosts: ['a'], vars: { pw: secret('swordfish') } } },
    });
    assert.equal(conflictNotes(inv).length, 1);
    assert.doesNotMatch(conflictNotes(inv)[0]!, /hunter22|swordfish/);
  });
});
