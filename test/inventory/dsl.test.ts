/**
 * defineInventory catches misspelt names at compile time (`npm test` type-checks this file: an
 * @ts-expect-error that is no longer an error fails it), and the loader catches the same at run time.
 */
import assert from 'node:assert/strict';
import { defineInventory, varsFor } from '../../lib/dsl/inventory.js';
import { validateInventory } from '../../lib/inventory/schema.js';

const rejected = (spec: unknown) => assert.throws(() => validateInventory(spec, 'inv.ts'), { name: 'ConfigError' });

describe('defineInventory', () => {
  it('accepts a well-formed inventory as is', () => {
    const spec = defineInventory({
      hosts: { a: { address: '10.0.0.1', jump: 'b' }, b: { address: 'b.example' }, localhost: {} },
      groups: { g: { hosts: ['a'], children: ['h'] }, h: { hosts: ['b'], vars: { x: 1 } } },
      defaults: { jump: 'b', port: 22 },
      vars: { q: 1 },
    });
    assert.deepEqual(validateInventory(spec, 'inv.ts'), spec);
  });

  it('an unknown host in a group is a compile error', () => {
    rejected(
      defineInventory({
        hosts: { 'etcd-1': { address: '10.0.0.1' } },
        // @ts-expect-error -- "etcd-2" is not a host
        groups: { etcd: { hosts: ['etcd-1', 'etcd-2'] } },
      }),
    );
  });

  it('an unknown child group is a compile error', () => {
    rejected(
      defineInventory({
        hosts: { a: { address: '10.0.0.1' } },
        // @ts-expect-error -- "mastres" is not a group
        groups: { masters: { hosts: ['a'] }, k8s: { children: ['mastres'] } },
      }),
    );
  });

  it('an unknown jump host is a compile error', () => {
    // @ts-expect-error -- "bastoin" is not a host
    rejected(defineInventory({ hosts: { bastion: { address: 'b' }, a: { address: 'a', jump: 'bastoin' } } }));
    // @ts-expect-error -- nor as a default
    rejected(defineInventory({ hosts: { bastion: { address: 'b' } }, defaults: { jump: 'bastio' } }));
  });

  it('a misspelt field is a compile error', () => {
    // @ts-expect-error -- adress
    rejected(defineInventory({ hosts: { a: { adress: '10.0.0.1' } } }));
    // @ts-expect-error -- transport is one of ssh, local, fake
    rejected(defineInventory({ hosts: { a: { address: 'a', transport: 'telnet' } } }));
  });

  it("varsFor<RoleVars>: a misspelt or mistyped var, plain or under a role's name, is a compile error", () => {
    interface WebVars {
      readonly port: number;
      readonly title: string;
    }
    const ok = varsFor<WebVars & { web: Partial<WebVars> }>({ port: 1, web: { title: 'x' } });
    assert.deepEqual(ok, { port: 1, web: { title: 'x' } });
    // @ts-expect-error -- prot
    varsFor<WebVars>({ prot: 1 });
    // @ts-expect-error -- port is a number
    varsFor<WebVars>({ port: '80' });
    // @ts-expect-error -- under the role's name too
    varsFor<{ web: Partial<WebVars> }>({ web: { titel: 'x' } });
    defineInventory({ hosts: { a: { address: 'a', vars: varsFor<WebVars>({ port: 2 }) } }, vars: varsFor<WebVars>({ title: 't' }) });
  });
});
