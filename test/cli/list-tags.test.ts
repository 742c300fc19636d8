/** --list-tags lists every tag that selects something: plays, role uses, roles' own tags (role level), resources. */
import assert from 'node:assert/strict';
import { listTags } from '../../lib/cli/list.js';
import { use, type Play } from '../../lib/dsl/playbook.js';
import { defineRole } from '../../lib/dsl/role.js';
import type { CompiledPlay } from '../../lib/runner/compile.js';

describe('--list-tags', () => {
  it('includes play tags, role-use tags, role-level tags and resource tags, once each, sorted', () => {
    const etcd = defineRole({ name: 'etcd', tags: ['datastore'], defaults: {}, resources: () => [] });
    const lb = defineRole({ name: 'lb', defaults: {}, resources: () => [] });
    const play: Play = { name: 'p', hosts: 'all', tags: ['infra'], roles: [use(etcd, {}, { tags: ['stateful'] }), lb] };
    const compiled = {
      play,
      hosts: [],
      batches: [],
      roles: [
        {
          name: 'etcd',
          perHost: new Map([['h1', { vars: {}, resources: [{ id: 'file:/etc/etcd', tags: ['config'] }], handlers: {}, gates: [], rolling: false }]]),
        },
        { name: 'lb', perHost: new Map() },
      ],
    } as unknown as CompiledPlay;
    assert.equal(listTags([compiled]), ['config', 'datastore', 'etcd', 'infra', 'lb', 'stateful'].join('\n'));
  });
});
