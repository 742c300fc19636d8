/** Ansible inventories: the INI and YAML parsers, host ranges, connection vars, group_vars/host_vars, errors with file:line, and convert. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inventorySource } from '../../lib/cli/inventory-cmd.js';
import { loadAnsibleInventory, parseIni, parseYamlInventory, toSpec } from '../../lib/inventory/ansible/index.js';
import { expandRange } from '../../lib/inventory/ansible/ranges.js';
import { scalar } from '../../lib/inventory/ansible/values.js';
import { buildInventory, loadInventory, validateInventory } from '../../lib/inventory/index.js';
import { Fleet, tsplay } from '../cli/helpers.js';

const DIR = 'test/fixtures/inventory/ansible';
const ini = (text: string) => toSpec(parseIni(text, 'hosts.ini'));
const yml = (text: string) => toSpec(parseYamlInventory(text, 'hosts.yml'));

describe('Ansible inventories', () => {
  it('host ranges: numbers (zero-padded as written), letters, strides, several in a name; bad ones say why', () => {
    assert.deepEqual(expandRange('web[01:03].x'), ['web01.x', 'web02.x', 'web03.x']);
    assert.deepEqual(expandRange('n[1:10:4]'), ['n1', 'n5', 'n9']);
    assert.deepEqual(expandRange('db-[a:c]'), ['db-a', 'db-b', 'db-c']);
    assert.deepEqual(expandRange('r[1:2]-[a:b]'), ['r1-a', 'r1-b', 'r2-a', 'r2-b']);
    assert.throws(() => expandRange('w[3:1]'), /ends before it starts/);
    assert.throws(() => expandRange('w[a:3]'), /bad range \[a:3\]/);
  });

  it('INI values are typed as roles need them', () => {
    assert.deepEqual(
      [scalar('8080'), scalar('true'), scalar('False'), scalar('[1,"a"]'), scalar('0755'), scalar('1.5'), scalar('x')],
      [8080, true, false, [1, 'a'], '0755', 1.5, 'x'],
    );
  });

  it('hosts.ini and hosts.yml (with group_vars/ and host_vars/) give the same spec', () => {
    const a = loadAnsibleInventory(join(DIR, 'hosts.ini'));
    const b = loadAnsibleInventory(join(DIR, 'hosts.yml'));
    assert.deepEqual(a.hosts, b.hosts);
    assert.deepEqual(a.vars, b.vars);
    assert.deepEqual(new Set(Object.keys(a.groups!)), new Set(Object.keys(b.groups!)));
    for (const g of Object.keys(a.groups!)) assert.deepEqual(a.groups![g], b.groups![g], g);
  });

  it('connection vars by Ansible precedence (all < parents < children < host); other vars stay where set', () => {
    const inv = buildInventory(validateInventory(loadAnsibleInventory(join(DIR, 'hosts.ini')), 'hosts.ini'));
    const h = (n: string) => inv.hosts.find((x) => x.name === n)!;
    assert.deepEqual([h('web-1').address, h('web-1').user, h('web-1').key], ['192.0.2.1', 'deploy', '~/.ssh/prod_ed25519']);
    assert.deepEqual([h('rhel-1').user, h('rhel-1').vars.title, h('rhel-1').vars.port], ['ops', 'Rocky web', 8081]);
    assert.equal(h('web-2').vars.port, 9090, 'host_vars/web-2/port.json');
    assert.equal(h('db02.example.com').vars.title, 'from group_vars', 'group_vars/db.yml');
    assert.deepEqual([h('bastion.example.com').address, h('bastion.example.com').port, h('bastion.example.com').user], ['bastion.example.com', 2222, 'root']);
    assert.equal(h('web-1').becomePassword?.reveal(), 's3cret pw');
    assert.equal(h('db01.example.com').becomePassword, undefined);
    assert.deepEqual(inv.groups.get('prod'), ['web-1', 'web-2', 'rhel-1', 'db01.example.com', 'db02.example.com', 'db03.example.com']);
    assert.deepEqual(inv.groups.get('ungrouped'), ['bastion.example.com']);
    assert.equal(inv.cluster.vars.cluster_name, 'fixture');
    assert.ok(Object.values(inv.spec.hosts).every((e) => !Object.keys(e.vars ?? {}).some((k) => k.startsWith('ansible_'))));
  });

  it('ansible_connection=local, other ansible_* settings left out; settings all hosts share go to defaults', () => {
    const s = ini('localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n[x]\na ansible_user=u\n[x:vars]\nansible_become=true\n');
    assert.deepEqual(s.hosts, { localhost: { transport: 'local' }, a: { address: 'a', user: 'u' } });
    assert.deepEqual(ini('[w]\na ansible_user=u\nb ansible_user=u\n').defaults, { user: 'u' });
  });

  it('INI errors name file:line', () => {
    const bad = (text: string, re: RegExp) => assert.throws(() => ini(text), re);
    bad('[web\nx\n', /^ConfigError: hosts\.ini:1: expected a section header/);
    bad('[web:hostz]\n', /hosts\.ini:1: unknown section kind ":hostz"/);
    bad('[web]\na\n[web:vars]\nport 80\n', /hosts\.ini:4: expected key=value \(one key=value per line\), got "port 80"/);
    bad('[web]\na title="x\n', /hosts\.ini:2: unterminated " quote/);
    bad('[web]\na\n[p:children]\nweb db\n', /hosts\.ini:4: expected one group name per line/);
    bad('[p:children]\nnope\n', /hosts\.ini:1: group p names child group "nope", which is not defined/);
    bad('\n\n[w]\nn[5:1]\n', /hosts\.ini:4: range \[5:1\] ends before it starts/);
    bad('a ansible_port=http\n', /hosts\.ini:1: host a: ansible_port must be a port number/);
    bad('a ansible_become_user=app\n', /hosts\.ini:1: host a: ansible_become_user=app is not supported/);
    bad('a ansible_connection=winrm\n', /hosts\.ini:1: host a: ansible_connection=winrm is not supported/);
  });

  it('YAML errors name file:line', () => {
    const bad = (text: string, re: RegExp) => assert.throws(() => yml(text), re);
    bad('all:\n  hosts: [a, b]\n', /^ConfigError: hosts\.yml:2: expected a mapping for the hosts of group all/);
    bad('all:\n  children:\n    web:\n      host:\n        a:\n', /hosts\.yml:4: group web has an unknown key "host"/);
    bad('all:\n  hosts:\n    a:\n    a:\n', /hosts\.yml:\d: does not parse as YAML\/JSON: Map keys must be unique/);
    bad('all:\n  hosts:\n    a: [\n', /hosts\.yml:\d+: does not parse/);
    bad('- a\n', /hosts\.yml:1: expected a mapping of groups/);
  });

  it('group_vars/host_vars for a group or host that does not exist is an error naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-ansible-'));
    writeFileSync(join(dir, 'hosts'), '[web]\nweb-1\n');
    mkdirSync(join(dir, 'host_vars'));
    writeFileSync(join(dir, 'host_vars', 'web-2.yml'), 'x: 1\n');
    assert.throws(() => loadAnsibleInventory(join(dir, 'hosts')), /host_vars\/web-2\.yml: no host "web-2" in the inventory\. Did you mean "web-1"/);
    rmSync(join(dir, 'host_vars', 'web-2.yml'));
    mkdirSync(join(dir, 'group_vars'));
    writeFileSync(join(dir, 'group_vars', 'web.yml'), 'a: 1\nb: [\n');
    assert.throws(() => loadAnsibleInventory(join(dir, 'hosts')), /group_vars\/web\.yml:3:1: does not parse as YAML\/JSON/);
    writeFileSync(join(dir, 'group_vars', 'wbe.yml'), 'a: 1\n');
    writeFileSync(join(dir, 'group_vars', 'web.yml'), 'a: 1\n');
    assert.throws(() => loadAnsibleInventory(join(dir, 'hosts')), /group_vars\/wbe\.yml: no group "wbe" in the inventory\. Did you mean "web"/);
  });

  it('convert: the .ts it prints loads as the same inventory; a become password is read from the environment, not printed', async () => {
    const spec = loadAnsibleInventory(join(DIR, 'hosts.ini'));
    const src = inventorySource(spec, 'hosts.ini', new URL('../../lib/dsl/inventory.js', import.meta.url).pathname);
    assert.doesNotMatch(src, /s3cret/);
    assert.match(src, /becomePassword: process\.env\.TSPLAY_BECOME_PASSWORD_WEB_1 \?\? ''/);
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-convert-'));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(dir, 'inv.ts'), src);
    process.env.TSPLAY_BECOME_PASSWORD_WEB_1 = 's3cret pw';
    process.env.TSPLAY_BECOME_PASSWORD_WEB_2 = 's3cret pw';
    process.env.TSPLAY_BECOME_PASSWORD_RHEL_1 = 's3cret pw';
    const converted = await loadInventory(join(dir, 'inv.ts'));
    const original = buildInventory(validateInventory(spec, 'hosts.ini'));
    const view = (i: typeof original) => i.hosts.map((h) => ({ ...h, becomePassword: h.becomePassword?.reveal() }));
    assert.deepEqual(view(converted), view(original));
    assert.deepEqual([...converted.groups], [...original.groups]);
  });

  it('tsplay exec -i hosts.ini and tsplay inventory convert through the CLI', async () => {
    const fleet = new Fleet();
    fleet.get('web-1').script(/^echo hi$/, () => ({ exitCode: 0, stdout: 'hi\n' }));
    const ran = await tsplay(fleet, 'exec', '-i', 'test/fixtures/inventory/ansible-local.ini', 'web', '--', 'echo hi');
    assert.equal(ran.code, 0, ran.err);
    assert.match(ran.out, /^web-1 \| OK \| rc=0 \| \d+ ms\nhi\n$/);
    assert.deepEqual(fleet.connects, ['web-1']);
    const conv = await tsplay(new Fleet(), 'inventory', 'convert', join(DIR, 'hosts.ini'));
    assert.equal(conv.code, 0, conv.err);
    assert.match(conv.out, /^\/\*\*\n \* Converted from test\/fixtures\/inventory\/ansible\/hosts\.ini/);
    assert.match(conv.out, /import \{ defineInventory \} from 'tsplay';/);
    const bad = await tsplay(new Fleet(), 'inventory', 'convert', join(DIR, 'hots.ini'));
    assert.equal(bad.code, 1);
    assert.match(bad.err, /inventory file not found\. Did you mean .*hosts\.ini/);
    const broken = await tsplay(new Fleet(), 'exec', '-i', 'test/fixtures/inventory/ansible-local.ini', 'wbe', '--', 'echo hi');
    assert.match(broken.err, /pattern: unknown host or group "wbe"/);
  });
});
