/** What a role throws while building its resources: a ConfigError naming role, host and the var it quotes. */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { ConfigError } from '../../lib/core/errors.js';
import { building } from '../../lib/runner/role-build.js';
import { shown } from '../../lib/resources/common.js';

const thrown = (vars: Record<string, unknown>, message: string): string => {
  try {
    building('role webapp on web-1', vars, () => {
      throw new Error(message);
    });
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.message;
  }
  assert.fail('did not throw');
};

describe('runner: errors while a role builds its resources', () => {
  it('names the var whose value the message quotes, as JSON or as shown() cuts it short', () => {
    assert.match(thrown({ root: '/srv/../etc', user: 'webapp' }, 'path must be absolute: "/srv/../etc"'), /\(the value of var "root"\)$/);
    const long = `x\r${'y'.repeat(100)}`;
    assert.match(thrown({ title: long, user: 'webapp' }, `webapp unit Description: control character: ${shown(long)}`), /\(the value of var "title"\)$/);
  });

  it('a value the text merely contains is not named (user: webapp in "webapp unit")', () => {
    assert.doesNotMatch(thrown({ user: 'webapp' }, 'webapp unit Description (var title): control character'), /the value of var/);
  });
});
