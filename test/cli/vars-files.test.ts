/** `-e @vars.yml` / `-e @vars.json`: parsing, order (a later one wins), and errors naming the file and key, through the real CLI. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readExtraVars } from '../../lib/cli/extra-vars.js';
import { Fleet, INVENTORY, SAMPLE, tsplay } from './helpers.js';

const files = (m: Record<string, string>) => (f: string) => {
  if (!(f in m)) throw new Error(`ENOENT: no such file or directory, open '${f}'`);
  return m[f]!;
};

describe('-e @file (unit)', () => {
  it('reads YAML and JSON; a later -e wins, key=value included; values keep their type as -e text', () => {
    const read = files({ 'a.yml': 'port: 8081\ntitle: from yaml\nlist: [1, two]\non: true\n', 'b.json': '{"port": 9000, "nested": {"x": 1}}' });
    const x = readExtraVars(['@a.yml', '@b.json', 'title=cli'], read);
    assert.deepEqual(x.vars, { port: '9000', title: 'cli', list: '[1,"two"]', on: 'true', nested: '{"x":1}' });
    assert.deepEqual(x.files, { port: 'b.json', list: 'a.yml', on: 'a.yml', nested: 'b.json' });
  });

  it('an empty file is no vars; a list, a scalar, a syntax error, a duplicate key or a missing file name the file (and line)', () => {
    assert.deepEqual(readExtraVars(['@e.yml'], files({ 'e.yml': '' })).vars, {});
    const bad = (text: string, re: RegExp) => assert.throws(() => readExtraVars(['@v.yml'], files({ 'v.yml': text })), re);
    bad('- a\n- b\n', /^ConfigError: -e @v\.yml: expected a mapping of vars \(key: value\), got a list/);
    bad('just text', /-e @v\.yml: expected a mapping of vars/);
    bad('a: 1\nb: [\n', /^ConfigError: -e @v\.yml:3:1: does not parse as YAML\/JSON: /);
    bad('a: 1\na: 2\n', /-e @v\.yml:2:1: does not parse as YAML\/JSON: Map keys must be unique/);
    assert.throws(() => readExtraVars(['@gone.yml'], files({})), /-e @gone\.yml: cannot read: ENOENT/);
    assert.throws(() => readExtraVars(['@'], files({})), /-e: expected @FILE/);
  });
});

describe('-e @file through tsplay run (fake hosts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-vars-'));
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const touched: string[] = [];
  const run = async (...args: string[]) => {
    const fleet = new Fleet();
    const r = await tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, ...args);
    touched.push(...fleet.connects);
    return r;
  };

  it("the file's vars reach the role, typed; a later key=value wins", async () => {
    const fleet = new Fleet();
    const yml = write('ok.yml', 'port: 8181\ntitle: "From a file"\n');
    const r = await tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, '--limit', 'web-1', '-e', `@${yml}`, '-e', 'title=Last wins');
    assert.equal(r.code, 0, r.err);
    assert.match(fleet.get('web-1').read('/etc/webapp/webapp.conf')!, /port = 8181/);
    assert.match(fleet.get('web-1').read('/srv/webapp/www/index.html')!, /Last wins/);
  });

  it('an unknown var or a value of the wrong type names the file and the key; nothing is touched', async () => {
    const unknown = await run('-e', `@${write('typo.json', '{"prot": 1}')}`);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, new RegExp(`^error: -e @${dir}/typo\\.json: prot: no role in this playbook has a var "prot"\\. Did you mean "port"`));
    const wrong = await run('-e', `@${write('wrong.yml', 'port: http\n')}`);
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, new RegExp(`^error: -e @${dir}/wrong\\.yml: port: expected a number, got "http"`));
    const schema = await run('-e', `@${write('big.yml', 'port: 70000\n')}`);
    assert.equal(schema.code, 1);
    assert.match(schema.err, /role webapp on web-1: var port: /);
    assert.deepEqual(touched, []);
  });

  it('a file that does not parse names its line', async () => {
    const r = await run('-e', `@${write('broken.yml', 'port: 1\ntitle: [\n')}`);
    assert.equal(r.code, 1);
    assert.match(r.err, new RegExp(`^error: -e @${dir}/broken\\.yml:3:1: does not parse`));
  });
});
