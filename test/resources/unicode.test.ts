/** Text that lands on a host as UTF-8 must be well-formed: a lone surrogate would never converge. */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { file, line, template } from '../../lib/resources/index.js';
import { changedIds, converge, FakeHost } from '../../lib/testing/index.js';
import { secret } from '../../lib/core/secret.js';

describe('well-formed text', () => {
  it('a lone surrogate in content or a line is refused when built, saying where and never the value', () => {
    assert.throws(() => file({ path: '/etc/a', content: 'a\ud800b' }), /\/etc\/a: not well-formed Unicode \(a lone surrogate at character 1\)/);
    assert.throws(
      () => file({ path: '/etc/a', content: secret('pw\udc00x') }),
      (e: Error) => /lone surrogate at character 2/.test(e.message) && !e.message.includes('pw'),
    );
    assert.throws(() => line({ path: '/etc/a', line: 'x=\udbff' }), /line \/etc\/a: not well-formed Unicode/);
  });

  it('a template: its lone surrogate is refused too', async () => {
    await assert.rejects(
      async () => converge(FakeHost.debian(), [template({ path: '/etc/t', render: () => 'v=\ud83d\n' })]),
      /\/etc\/t: not well-formed Unicode/,
    );
  });

  it('well-formed astral characters land and converge', async () => {
    const h = FakeHost.debian();
    const { second } = await converge(h, [file({ path: '/etc/e', content: 'emoji 😀 and 𝄞\n' }), line({ path: '/etc/l', line: 'name=Ωmega 😀' })]);
    assert.deepEqual(changedIds(second), []);
    assert.equal(h.read('/etc/e'), 'emoji 😀 and 𝄞\n');
  });
});
