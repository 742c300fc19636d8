import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { ExecOptions, ExecResult } from '../../lib/core/connection.js';
import type { ActOptions } from '../../lib/core/driver.js';
import type { Action, Query } from '../../lib/core/ops.js';
import { definePlaybook } from '../../lib/dsl/playbook.js';
import type { Gate } from '../../lib/dsl/role.js';
import { FakeHost } from '../../lib/testing/index.js';
import { fileRole, inventory, runWith } from './helpers.js';

/** A FakeHost that records the sudo flag of every call. */
class SudoHost extends FakeHost {
  readonly sudo: string[] = [];
  override query(queries: readonly Query[], opts?: ActOptions): Promise<unknown[]> {
    this.sudo.push(`query ${opts?.sudo === true}`);
    return super.query(queries);
  }
  override act(groups: readonly (readonly Action[])[], opts?: ActOptions) {
    this.sudo.push(`act ${opts?.sudo === true}`);
    return super.act(groups);
  }
  override exec(command: string, opts?: ExecOptions): Promise<ExecResult> {
    this.sudo.push(`exec ${opts?.sudo === true}`);
    return super.exec(command, opts);
  }
}

const gate: Gate<object> = { name: 'health', check: async (ctx) => void (await ctx.exec('health')) };
const role = fileRole('r', { '/etc/r': 'x' }, { verify: [gate], handlers: { h: [{ a: 'command', command: 'h' }] }, notify: { '/etc/r': 'h' } });
const inv = inventory(['h1']);

describe('become', () => {
  for (const become of [true, false]) {
    it(`become: ${become} reaches every query, action batch (its handlers ride along) and gate command`, async () => {
      const h = new SudoHost('h1');
      h.script('h', {}).script('health', {}).seedDir('/etc');
      await runWith(definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', become, roles: [role] }] }), inv, { drivers: new Map([['h1', h]]) });
      assert.deepEqual(
        h.sudo,
        ['query', 'act', 'exec'].map((op) => `${op} ${become}`),
      );
    });
  }
});
