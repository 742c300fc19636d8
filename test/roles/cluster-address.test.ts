/**
 * One home for a host's cluster address: no role reads Host.address (the SSH address) except
 * roles/cluster/cluster-address.ts, whose clusterAddress() every role calls for etcd URLs, advertise
 * addresses, backends, peers, SANs, --node-ip and the rest. Read by the TypeScript checker, not by regex:
 * `.address` on a Member or a Backend is fine, on a Host (property access, ['address'], `{ address }`) is
 * not. Then the var itself: an IP, checked with the file and host named, defaulting to the SSH address.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { ConfigError } from '../../lib/index.js';
import { buildInventory, otherRoles, selector } from '../../lib/inventory/index.js';
import { compile } from '../../lib/runner/compile.js';
import site from '../../playbooks/site.js';
import { clusterAddress } from '../../roles/cluster/cluster-address.js';
import { topology } from '../../roles/cluster/topology.js';
import { sourceFiles } from '../source-imports.js';

const root = resolve(import.meta.dirname, '../..');
const model = join(root, 'lib/core/model.ts');
/** The files that may read Host.address: the cluster address's home. */
const ALLOWED = new Set(['roles/cluster/cluster-address.ts']);

/** Every read of Host.address in `files`, as file:line. */
function hostAddressReads(files: readonly string[]): string[] {
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const isHostAddress = (sym: ts.Symbol | undefined) =>
    !!sym?.declarations?.some((d) => resolve(d.getSourceFile().fileName) === model && ts.isInterfaceDeclaration(d.parent) && d.parent.name.text === 'Host');
  const found: string[] = [];
  for (const file of files) {
    const sf = program.getSourceFile(file)!;
    const at = (n: ts.Node) => `${relative(root, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const visit = (n: ts.Node): void => {
      if (ts.isPropertyAccessExpression(n) && n.name.text === 'address' && isHostAddress(checker.getSymbolAtLocation(n.name))) found.push(at(n));
      if (ts.isElementAccessExpression(n) && ts.isStringLiteralLike(n.argumentExpression) && n.argumentExpression.text === 'address') {
        if (isHostAddress(checker.getTypeAtLocation(n.expression).getProperty('address'))) found.push(at(n));
      }
      if (ts.isBindingElement(n) && ts.isObjectBindingPattern(n.parent)) {
        const key = n.propertyName ?? n.name;
        if (ts.isIdentifier(key) && key.text === 'address' && isHostAddress(checker.getTypeAtLocation(n.parent).getProperty('address'))) found.push(at(n));
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return found;
}

describe('the cluster address has one home', function () {
  this.timeout(120_000);

  it('no role reads Host.address but roles/cluster/cluster-address.ts', () => {
    const files = sourceFiles(join(root, 'roles')).filter((f) => f.endsWith('.ts'));
    const reads = hostAddressReads(files);
    assert.ok(
      reads.some((r) => ALLOWED.has(r.split(':')[0]!)),
      'the scan finds the home itself (else it finds nothing anywhere)',
    );
    assert.deepEqual(
      reads.filter((r) => !ALLOWED.has(r.split(':')[0]!)),
      [],
      'these read the SSH address for a cluster purpose: use clusterAddress(host) from roles/cluster/cluster-address.ts',
    );
  });

  it('the scan sees each way of reading it, and not a Member-like object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-cluster-address-'));
    try {
      const spec = relative(dir, model).replace(/\.ts$/, '.js');
      const file = join(dir, 'probe.ts');
      writeFileSync(
        file,
        [
          `import type { Host } from '${spec.startsWith('.') ? spec : `./${spec}`}';`,
          'export const a = (h: Host) => h.address;',
          "export const b = (h: Host) => h['address'];",
          'export const c = ({ address }: Host) => address;',
          'export const d = (m: { address: string }) => m.address;',
          '',
        ].join('\n'),
      );
      assert.deepEqual(
        hostAddressReads([file]).map((r) => r.split(':').pop()),
        ['2', '3', '4'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cluster_address', () => {
  const inv = (hosts: Record<string, Record<string, unknown>>, vars: Record<string, unknown> = {}, lb: string[] = []) =>
    buildInventory(
      {
        vars,
        hosts: Object.fromEntries(Object.entries(hosts).map(([name, v], i) => [name, { address: `198.51.100.${i + 1}`, vars: v }])),
        groups: { etcd: { hosts: Object.keys(hosts).slice(0, 1) }, masters: { hosts: Object.keys(hosts) }, workers: { hosts: [] }, lb: { hosts: lb } },
      },
      'inventory/hosts.ts',
    );

  it('defaults to the SSH address and is the var when set (normalized)', () => {
    const i = inv({ a: {}, b: { cluster_address: 'fd00::0:5' } });
    assert.equal(clusterAddress(i.hosts[0]!), '198.51.100.1');
    assert.equal(clusterAddress(i.hosts[1]!), 'fd00::5');
  });

  it('refuses a value that is not an IP, naming the file and the host', () => {
    const i = inv({ a: { cluster_address: '10.0.0.300' } });
    assert.throws(
      () => topology(i.cluster),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.startsWith('inventory/hosts.ts: hosts.a.vars.cluster_address: host a: cluster_address "10.0.0.300" is not an IP address') &&
        e.message.includes('the SSH address 198.51.100.1'),
    );
  });

  it('refuses two hosts with one cluster address (a group value)', () => {
    const i = inv({ a: { cluster_address: '10.0.0.1' }, b: { cluster_address: '10.0.0.1' }, c: {} });
    assert.throws(() => topology(i.cluster), /inventory\/hosts\.ts: hosts\.b\.vars\.cluster_address: hosts a and b both have cluster_address 10\.0\.0\.1/);
  });

  it('the topology checks it against the pod and service ranges, not the SSH address', () => {
    const i = inv({ a: { cluster_address: '10.244.1.1' } });
    assert.throws(() => topology(i.cluster), /host a \(10\.244\.1\.1\) is inside pod_cidr 10\.244\.0\.0\/16/);
    assert.equal(topology(inv({ a: { cluster_address: '10.1.0.1' } }).cluster).apiEndpoint, 'https://10.1.0.1:6443');
  });

  it("the VIP must lie in the lb hosts' cluster subnet and be none of their cluster addresses", () => {
    const lb = (vip: string) => inv({ a: {}, l: { cluster_address: '10.1.0.2' } }, { vip }, ['l']).cluster;
    assert.equal(topology(lb('10.1.0.100')).vip, '10.1.0.100');
    assert.throws(() => topology(lb('198.51.100.100')), /VIP 198\.51\.100\.100 is outside the subnet of lb host l \(10\.1\.0\.2\/24\)/);
    assert.throws(() => topology(lb('10.1.0.2')), /VIP 10\.1\.0\.2 is the address of lb host l/);
  });

  it('tsplay run refuses a misspelt one, naming the file, the host and cluster_address, before any host is touched', async () => {
    const i = inv({ a: { cluster_adress: '10.1.0.1' } });
    const run = async () =>
      compile(site, selector(i), {
        tags: [],
        skipTags: [],
        extraVars: {},
        playbook: 'playbooks/site.ts',
        otherRoles: await otherRoles('playbooks/site.ts', site, i.spec),
      });
    await assert.rejects(run, (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(
        e.message,
        'inventory/hosts.ts: host a: unknown var "cluster_adress" (no role of this playbook or of the project reads it). Did you mean "cluster_address" or "cluster_dns"?',
      );
      return true;
    });
  });
});
