import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { definePlaybook, use } from '../../lib/dsl/playbook.js';
import { defineRole } from '../../lib/dsl/role.js';
import { file } from '../../lib/resources/index.js';
import { selected } from '../../lib/runner/tags.js';
import { compileWith, inventory } from './helpers.js';

const inv = inventory(['a', 'b'], { groups: { masters: { hosts: ['b'] } } });

const base = defineRole({
  name: 'base',
  tags: ['prereq'],
  defaults: {},
  resources: () => [
    file({ path: '/etc/plain', content: '1' }),
    file({ path: '/etc/tagged', content: '1', tags: ['conf'] }),
    file({ path: '/etc/debug', content: '1', tags: ['never', 'debug'] }),
  ],
});
const app = defineRole({ name: 'app', defaults: {}, resources: () => [file({ path: '/etc/app', content: '1' })] });
const pb = definePlaybook({
  name: 'pb',
  plays: [
    { name: 'one', hosts: 'a', tags: ['first'], roles: [base, use(app, {}, { tags: ['web'] })] },
    { name: 'two', hosts: 'a', roles: [app] },
  ],
});

/** `play/role: ids` that would run on host a. */
function chosen(tags: string[], skipTags: string[] = []): string[] {
  return compileWith(pb, inv, { tags, skipTags }).flatMap((p) =>
    p.roles.flatMap((r) => (r.perHost.get('a')?.resources ?? []).map((x) => `${p.play.name}/${r.name} ${x.id}`)),
  );
}

describe('tags', () => {
  it('no tags: everything except never', () => {
    assert.deepEqual(chosen([]), ['one/base file:/etc/plain', 'one/base file:/etc/tagged', 'one/app file:/etc/app', 'two/app file:/etc/app']);
    assert.deepEqual(chosen(['all']), chosen([]));
  });

  it('a play tag selects every role of the play', () => {
    assert.deepEqual(chosen(['first']), ['one/base file:/etc/plain', 'one/base file:/etc/tagged', 'one/app file:/etc/app']);
  });

  it('a role-use tag selects that use only, not the same role elsewhere', () => {
    assert.deepEqual(chosen(['web']), ['one/app file:/etc/app']);
  });

  it("a role's tags and its name select the role wherever it is used", () => {
    assert.deepEqual(chosen(['prereq']), ['one/base file:/etc/plain', 'one/base file:/etc/tagged']);
    assert.deepEqual(chosen(['app']), ['one/app file:/etc/app', 'two/app file:/etc/app']);
  });

  it('a resource tag selects that resource only', () => {
    assert.deepEqual(chosen(['conf']), ['one/base file:/etc/tagged']);
  });

  it('never: only when one of its tags is asked for by name', () => {
    assert.deepEqual(chosen(['debug']), ['one/base file:/etc/debug']);
    assert.deepEqual(chosen(['never']), ['one/base file:/etc/debug']);
    assert.ok(!chosen(['prereq']).includes('one/base file:/etc/debug'));
  });

  it('skip-tags drops what carries the tag, and wins over --tags', () => {
    assert.deepEqual(chosen([], ['conf', 'web']), ['one/base file:/etc/plain', 'two/app file:/etc/app']);
    assert.deepEqual(chosen(['first'], ['base']), ['one/app file:/etc/app']);
    assert.deepEqual(chosen(['debug'], ['debug']), []);
  });

  it('a role left without resources on a host does not run there', () => {
    const [one] = compileWith(pb, inv, { tags: ['conf'] });
    assert.deepEqual(
      one!.roles.map((r) => [r.name, r.perHost.size]),
      [
        ['base', 1],
        ['app', 0],
      ],
    );
  });

  it('a tag carried only by resources built for a later host is known', () => {
    const ctl = defineRole({
      name: 'ctl',
      defaults: {},
      resources: (_v, host) => [file({ path: '/etc/ctl', content: '1', ...(host.groups.includes('masters') ? { tags: ['masters-only'] } : {}) })],
    });
    const p = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [ctl] }] });
    const [play] = compileWith(p, inv, { tags: ['masters-only'] });
    assert.deepEqual([...play!.roles[0]!.perHost.keys()], ['b']);
  });

  it('selected() table: levels are play, use, role, resource tags', () => {
    const rows: [string[][], string[], string[], boolean][] = [
      [[['x']], [], [], true],
      [[['x']], ['x'], [], true],
      [[['x']], ['y'], [], false],
      [[['x']], [], ['x'], false],
      [[['x']], ['all'], ['x'], false],
      [[['x', 'never']], [], [], false],
      [[['x', 'never']], ['all'], [], false],
      [[['x', 'never']], ['x'], [], true],
      [[['x', 'never']], ['never'], [], true],
      // never on a resource: the role's tag does not unlock it, the resource's own tag does
      [[['role'], ['never', 'wipe']], ['role'], [], false],
      [[['role'], ['never', 'wipe']], ['wipe'], [], true],
      // never on a role: its own tags and its resources' tags unlock it
      [[['never', 'debug'], ['dump']], ['debug'], [], true],
      [[['never', 'debug'], ['dump']], ['dump'], [], true],
      [[['never', 'debug'], ['dump']], ['dump'], ['debug'], false],
    ];
    for (const [levels, tags, skipTags, want] of rows) assert.equal(selected(levels, { tags, skipTags }), want, JSON.stringify({ levels, tags, skipTags }));
  });
});
