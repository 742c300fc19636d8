import assert from 'node:assert/strict';
import { z } from 'zod';
import { absPath, declareVars, extendVars, port, portProto, type VarsOf } from '../../lib/index.js';

describe('declareVars (vars declared once)', () => {
  const vars = declareVars(
    z.object({
      a_port: port.default(80).describe('where it listens'),
      a_dir: absPath.default('/srv/a').describe('its data'),
    }),
    (v, ctx) => {
      if (v.a_port === 22) ctx.addIssue({ code: 'custom', path: ['a_port'], message: 'not the ssh port' });
    },
  );

  it('reads the defaults and descriptions from the object; the type is inferred', () => {
    const d: VarsOf<typeof vars> = vars.defaults;
    assert.deepEqual(d, { a_port: 80, a_dir: '/srv/a' });
    assert.deepEqual(vars.descriptions, { a_port: 'where it listens', a_dir: 'its data' });
    assert.deepEqual(vars.role, { defaults: vars.defaults, schema: vars.schema });
  });

  it('checks fields and rules, naming the path', () => {
    const r = vars.schema.safeParse({ a_port: 22, a_dir: '/x' });
    assert.equal(r.success, false);
    assert.deepEqual([r.error?.issues[0]?.path, r.error?.issues[0]?.message], [['a_port'], 'not the ssh port']);
    const bad = vars.schema.safeParse({ a_port: 70000, a_dir: 'rel' });
    assert.deepEqual(
      bad.error?.issues.map((i) => i.path[0]),
      ['a_port', 'a_dir'],
    );
    assert.equal(vars.schema.parse({ a_port: 1, a_dir: '/srv/a/' }).a_dir, '/srv/a', 'a trailing slash is dropped');
  });

  it('refuses a field without a default or a description when declared', () => {
    assert.throws(() => declareVars(z.object({ x: port.describe('x') })), /var x: declare a default/);
    assert.throws(() => declareVars(z.object({ x: port.default(1) })), /var x: declare a one-line description/);
  });

  it('extendVars keeps the base fields and rules and adds its own', () => {
    const more = extendVars(vars, { b_name: z.string().default('b').describe('a name') })((v, ctx) => {
      if (v.b_name === v.a_dir) ctx.addIssue({ code: 'custom', path: ['b_name'], message: 'odd' });
    });
    assert.deepEqual(more.defaults, { a_port: 80, a_dir: '/srv/a', b_name: 'b' });
    assert.equal(more.schema.safeParse({ ...more.defaults, a_port: 22 }).error?.issues[0]?.message, 'not the ssh port');
    assert.equal(more.schema.safeParse({ ...more.defaults, b_name: '/srv/a' }).error?.issues[0]?.message, 'odd');
  });
});

describe('schema pieces', () => {
  it('portProto takes ports and ranges of 1-65535 with a protocol', () => {
    for (const ok of ['6443/tcp', '30000-32767/tcp', '8472/udp', '1/sctp']) assert.ok(portProto.safeParse(ok).success, ok);
    for (const bad of ['0/tcp', '70000/tcp', '10-5/tcp', '6443', '6443/icmp', '6443/tcp ']) assert.ok(!portProto.safeParse(bad).success, bad);
  });
  it('absPath refuses relative paths, .. and shell characters', () => {
    for (const bad of ['etc', '/a/../b', '/a b', '/a;b', '/$(id)']) assert.ok(!absPath.safeParse(bad).success, bad);
    assert.equal(absPath.parse('/'), '/');
  });
});
