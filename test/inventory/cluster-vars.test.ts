/**
 * A misspelt cluster var (`servce_cidr`) is refused twice: by tsc, through the typed clusterVars() helper,
 * and by `tsplay run` before any host is touched, whichever playbook of the project runs on the inventory.
 * The fixture cannot live in the type-checked tree, so it is copied to a temporary ESM folder with its
 * imports pointed back at the repo.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { ConfigError } from '../../lib/core/errors.js';
import { loadInventory, otherRoles, selector, type Inventory } from '../../lib/inventory/index.js';
import { compile } from '../../lib/runner/compile.js';
import sample from '../../playbooks/sample.js';
import site from '../../playbooks/site.js';
import type { Playbook } from '../../lib/dsl/playbook.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURE = join(ROOT, 'test/fixtures/inventory/typos/cluster-var.ts.txt');

/** tsc's diagnostics for each file (one program for all: type-checking is the slow part), with the repo's compiler options. */
function typeErrors(files: readonly string[]): string[][] {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile).config as { compilerOptions: object };
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT);
  const program = ts.createProgram(files, { ...options, typeRoots: [join(ROOT, 'node_modules/@types')], types: ['node'] });
  return files.map((f) => ts.getPreEmitDiagnostics(program, program.getSourceFile(f)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')));
}

/** Compile `pb` against `inv` as `tsplay run` does (the project's other roles included). */
async function runs(pbFile: string, pb: Playbook, inv: Inventory): Promise<void> {
  compile(pb, selector(inv), { tags: [], skipTags: [], extraVars: {}, playbook: pbFile, otherRoles: await otherRoles(pbFile, pb, inv.spec) });
}

describe('cluster vars: a misspelt one is a compile error and a run-time error', () => {
  let tmp: string;
  let typo: string;
  let fixed: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'tsplay-cluster-vars-'));
    writeFileSync(join(tmp, 'package.json'), '{ "type": "module" }\n');
    const text = readFileSync(FIXTURE, 'utf8').replaceAll("'../../../../", `'${ROOT}/`);
    writeFileSync((typo = join(tmp, 'cluster-var.ts')), text);
    writeFileSync((fixed = join(tmp, 'fixed.ts')), text.replace('servce_cidr:', 'service_cidr:'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('tsc rejects the misspelt key and accepts the right one', function () {
    this.timeout(60_000);
    const [errors, none] = typeErrors([typo, fixed]);
    assert.equal(errors!.length, 1, errors!.join('\n'));
    assert.match(errors![0]!, /'servce_cidr' does not exist in type 'Partial<ClusterVars>'.*Did you mean to write 'service_cidr'\?/);
    assert.deepEqual(none, []);
  });

  it('the run refuses it, naming the file, global vars, the key and service_cidr: with site.ts and with sample.ts', async () => {
    const inv = await loadInventory(typo);
    const refused = (e: unknown) =>
      e instanceof ConfigError &&
      e.message === `${typo}: global vars: unknown var "servce_cidr" (no role of this playbook or of the project reads it). Did you mean "service_cidr"?`;
    await assert.rejects(runs('playbooks/site.ts', site, inv), (e: unknown) => refused(e) || assert.fail(String(e)));
    await assert.rejects(runs('playbooks/sample.ts', sample, inv), (e: unknown) => refused(e) || assert.fail(String(e)));
  });

  it('spelt right, a cluster var passes the check for a playbook whose roles never read it (sample.ts): the cluster roles do', async () => {
    await runs('playbooks/sample.ts', sample, await loadInventory(fixed));
  });
});
