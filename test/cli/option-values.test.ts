import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { nameList, nonEmpty, wholeNumber } from '../../lib/cli/option-values.js';

describe('option values', () => {
  it('a whole number in plain digits within its range', () => {
    const hosts = wholeNumber('--hosts', 1, 244);
    assert.equal(hosts('12'), 12);
    assert.equal(hosts(' 3 '), 3);
    for (const v of ['0', '245', '1.5', '0x10', '1e2', '', 'three', '-1', '9007199254740993'])
      assert.throws(
        () => hosts(v),
        (e) => e instanceof InvalidArgumentError && /--hosts must be a whole number from 1 to 244/.test(e.message),
        v,
      );
    assert.throws(() => wholeNumber('--forks', 1)('0'), /--forks must be a whole number of at least 1, got "0"/);
  });

  it('a list of names, repeatable, never empty', () => {
    const tags = nameList('--tags');
    assert.deepEqual(tags('b', tags(' a, ,c ')), ['a', 'c', 'b']);
    for (const v of ['', ',', ' , '])
      assert.throws(
        () => tags(v),
        (e) => e instanceof InvalidArgumentError && /--tags needs at least one name/.test(e.message),
      );
  });

  it('a value that must not be empty', () => {
    assert.equal(nonEmpty('--limit', 'a host pattern')('web'), 'web');
    assert.throws(() => nonEmpty('--limit', 'a host pattern')('  '), InvalidArgumentError);
  });
});
