/** `tsplay init DIR`: the files it writes, a non-empty DIR refused naming what is there, --force. (npm test of the scaffold: test/integration/init.test.ts.) */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initProject, tsplayRoot } from '../../lib/cli/init-cmd.js';
import { Fleet, tsplay } from './helpers.js';

describe('tsplay init', () => {
  let tmp: string;
  beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'tsplay-init-'))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes a project that depends on this tsplay (file:), with an inventory, a playbook, a role and its fake-host test', () => {
    const dir = join(tmp, 'My Infra');
    const files = initProject({ dir });
    assert.deepEqual(files.sort(), [
      'inventory.ts',
      'package.json',
      'playbook.ts',
      'roles/motd/index.ts',
      'test/motd.test.ts',
      'test/register.js',
      'tsconfig.json',
    ]);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      type: string;
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    assert.equal(pkg.name, 'my-infra');
    assert.equal(pkg.type, 'module');
    assert.equal(pkg.dependencies.tsplay, `file:${tsplayRoot()}`);
    assert.equal(JSON.parse(readFileSync(join(tsplayRoot(), 'package.json'), 'utf8')).name, 'tsplay', "the root is tsplay's package");
    assert.match(pkg.scripts.test!, /--test test\/\*\.test\.ts/);
  });

  it('refuses a non-empty directory, naming what is there, and writes nothing; --force writes over it', async () => {
    writeFileSync(join(tmp, 'notes.txt'), 'mine\n');
    mkdirSync(join(tmp, 'roles'));
    const r = await tsplay(new Fleet(), 'init', tmp);
    assert.equal(r.code, 1);
    assert.match(r.err, /is not empty \(notes\.txt, roles\): pick an empty or new directory, or add --force/);
    assert.throws(() => readFileSync(join(tmp, 'package.json')));
    const f = await tsplay(new Fleet(), 'init', tmp, '--force');
    assert.equal(f.code, 0, f.err);
    assert.equal(readFileSync(join(tmp, 'notes.txt'), 'utf8'), 'mine\n', "files not the scaffold's are kept");
    assert.ok(readFileSync(join(tmp, 'playbook.ts'), 'utf8').includes('definePlaybook'));
  });

  it('a path that is a file is refused; --help teaches', async () => {
    writeFileSync(join(tmp, 'f'), '');
    assert.throws(() => initProject({ dir: join(tmp, 'f') }), /is a file, expected a directory/);
    const h = await tsplay(new Fleet(), 'init', '--help');
    assert.match(h.out, /tsplay init my-infra {12}a new project; then: cd my-infra && npm install && npm test/);
  });
});
