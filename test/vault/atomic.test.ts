/** Files are replaced in one step, keep their mode, and no temp file is left behind, also on failure. */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../../lib/vault/atomic.js';
import { scratch } from './helpers.js';

describe('vault: atomic writes', () => {
  it('replaces the content, keeps the mode, leaves nothing beside it', () => {
    const s = scratch();
    const f = s.write('v.yml', 'old\n', 0o640);
    writeAtomic({ file: f, data: 'new\n' });
    assert.equal(readFileSync(f, 'utf8'), 'new\n');
    assert.equal(statSync(f).mode & 0o777, 0o640);
    assert.deepEqual(s.entries(), ['v.yml']);
  });

  it('a failure (the rename cannot happen) leaves the target as it was and no temp file', () => {
    const s = scratch();
    const target = join(s.dir, 'busy');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'x');
    assert.throws(() => writeAtomic({ file: target, data: 'new\n' }), /EISDIR|ENOTEMPTY|EEXIST/);
    assert.deepEqual(s.entries(), ['busy']);
  });
});
