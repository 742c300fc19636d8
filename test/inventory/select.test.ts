import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../lib/core/errors.js';
import type { Inventory } from '../../lib/inventory/build.js';
import { limitHosts, loadInventory, selector, selectHosts } from '../../lib/inventory/index.js';

let inv: Inventory;
before(async () => {
  inv = await loadInventory('test/fixtures/inventory/shop.ts');
});

const names = (pattern: string) => selectHosts(inv, pattern).map((h) => h.name);

const throwsConfig = (fn: () => unknown, message: string) => assert.throws(fn, (e: unknown) => e instanceof ConfigError && e.message === message);

describe('selectHosts', () => {
  // [pattern, host names]: every form of the pattern language, on test/fixtures/inventory/shop.ts.
  const rows: [string, string[]][] = [
    ['all', ['bastion', 'web-1', 'web-2', 'web-3', 'db-1', 'db-2', 'cache-1']],
    ['*', ['bastion', 'web-1', 'web-2', 'web-3', 'db-1', 'db-2', 'cache-1']],
    ['web', ['web-1', 'web-2', 'web-3']],
    ['db', ['db-1', 'db-2']], // inventory order, not the group's listing order (db-2, db-1)
    ['app', ['web-1', 'web-2', 'web-3', 'db-1', 'db-2']], // children
    ['db-1', ['db-1']],
    ['web-*', ['web-1', 'web-2', 'web-3']],
    ['web-[13]', ['web-1', 'web-3']],
    ['*-2', ['web-2', 'db-2']],
    ['ca*', ['web-2', 'db-2', 'cache-1']], // a glob matches group names (canary) and host names (cache-1)
    ['back*', ['db-1', 'db-2', 'cache-1']],
    ['db:web', ['web-1', 'web-2', 'web-3', 'db-1', 'db-2']], // union, in inventory order
    ['db,bastion', ['bastion', 'db-1', 'db-2']],
    ['db, bastion', ['bastion', 'db-1', 'db-2']],
    ['app:!canary', ['web-1', 'web-3', 'db-1']],
    ['app:&canary', ['web-2', 'db-2']],
    ['app:&backend', ['db-1', 'db-2']],
    ['app:&web-*', ['web-1', 'web-2', 'web-3']],
    ['!web', ['bastion', 'db-1', 'db-2', 'cache-1']], // only exclusions: start from all
    ['&canary', ['web-2', 'db-2']],
    // Ansible's order, whatever the order written: unions, then intersections, then exclusions.
    ['!canary:web', ['web-1', 'web-3']],
    ['web:!web-2:db', ['web-1', 'web-3', 'db-1', 'db-2']],
    ['&canary:app:!db', ['web-2']],
    ['web:&db', []],
    ['web:!web', []],
  ];
  for (const [pattern, expected] of rows) it(`"${pattern}" -> ${expected.join(' ') || 'no hosts'}`, () => assert.deepEqual(names(pattern), expected));

  it('an unknown name: did you mean', () => {
    throwsConfig(() => names('wbe:db'), 'unknown host or group "wbe" in pattern "wbe:db". Did you mean "db" or "web"?');
    throwsConfig(() => names('app:!web-9'), 'unknown host or group "web-9" in pattern "app:!web-9". Did you mean "web-1", "web-2" or "web-3"?');
    throwsConfig(() => names('zzzzzz'), 'unknown host or group "zzzzzz" in pattern "zzzzzz".');
  });

  it('a glob that matches nothing', () => throwsConfig(() => names('mq-*'), 'no host or group matches "mq-*" in pattern "mq-*"'));

  it('an empty pattern or an operator with no name', () => {
    throwsConfig(() => names(' : '), 'empty host pattern " : "');
    throwsConfig(() => names('web:!'), '"!" needs a host or group name after it in pattern "web:!"');
  });
});

describe('limitHosts', () => {
  const play = () => selectHosts(inv, 'app');
  const limited = (limit: string, read?: (f: string) => string) => limitHosts(inv, play(), limit, read).map((h) => h.name);

  it("narrows the play's hosts with a pattern", () => {
    assert.deepEqual(limited('canary'), ['web-2', 'db-2']);
    assert.deepEqual(limited('web:!web-2'), ['web-1', 'web-3']);
    assert.deepEqual(limited('bastion'), []); // not in the play: the limit never adds hosts
  });

  it('names --limit in its errors', () =>
    throwsConfig(() => limited('wbe'), '--limit: unknown host or group "wbe" in pattern "wbe". Did you mean "db" or "web"?'));

  it('@file: one host per line, comments and blank lines skipped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-limit-'));
    try {
      writeFileSync(join(dir, 'retry'), '# failed last time\nweb-3\n\ndb-1  # primary\n');
      assert.deepEqual(limited(`@${join(dir, 'retry')}`), ['web-3', 'db-1']);
      writeFileSync(join(dir, 'empty'), '# nothing\n');
      throwsConfig(() => limited(`@${join(dir, 'empty')}`), `--limit @${join(dir, 'empty')}: the limit file names no hosts`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('@file: unknown names and unreadable files are errors', () => {
    throwsConfig(
      () => limited('@retry', () => 'web-4\n'),
      '--limit @retry: unknown host or group "web-4" in pattern "web-4". Did you mean "web-1", "web-2" or "web-3"?',
    );
    const enoent = () => {
      throw new Error("ENOENT: no such file or directory, open 'nope'");
    };
    throwsConfig(() => limited('@nope', enoent), "--limit @nope: cannot read the limit file: ENOENT: no such file or directory, open 'nope'");
  });
});

describe('selector', () => {
  it('adapts an inventory to what the runner asks', () => {
    const sel = selector(inv);
    assert.deepEqual(
      sel.limit(sel.select('web'), 'web-2').map((h) => h.name),
      ['web-2'],
    );
    assert.equal(sel.cluster, inv.cluster);
  });
});
