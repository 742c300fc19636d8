import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { secret } from '../../lib/core/secret.js';
import { definePlaybook } from '../../lib/dsl/playbook.js';
import { defineRole } from '../../lib/dsl/role.js';
import type { RunEvent } from '../../lib/report/events.js';
import { consoleReporter } from '../../lib/report/console.js';
import { jsonReporter } from '../../lib/report/json.js';
import { command, file, template } from '../../lib/resources/index.js';
import { FakeHost } from '../../lib/testing/index.js';
import { Collect, colour, plain } from '../report/helpers.js';
import { carriers, leaks as leaksIn, SECRETS } from '../report/leaks.js';
import { fake, inventory, runWith } from './helpers.js';

const OLD = 'old-token-3f9a1c77e2';
const NEW = 'new-token-b81d04aa95';
const inv = inventory(['h1']);

/** A careless resource: marked secret, yet its changes carry the values in every field. */
const leaky = fake(
  'token:/etc/token',
  [
    { field: 'content', before: OLD, after: NEW, diff: { before: `${OLD}\n`, after: `${NEW}\n` } },
    { field: 'mode', before: '0644', after: '0600' },
  ],
  [{ a: 'write', path: '/etc/token', content: `${NEW}\n`, mode: 0o600 }],
  { secret: true, notify: ['reload'] },
);

const role = defineRole({
  name: 'auth',
  defaults: {},
  resources: () => [leaky, file({ path: '/etc/key.pem', content: secret(`-----BEGIN KEY-----\n${NEW}\n-----END KEY-----\n`), mode: 0o600 })],
  handlers: () => ({ reload: [{ a: 'command', command: 'reload auth' }] }),
});
const pb = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [role] }] });

const leaks = (events: readonly RunEvent[]) => events.map((e) => JSON.stringify(e)).filter((j) => j.includes(NEW) || j.includes(OLD));

describe('secrets', () => {
  for (const mode of ['check', 'apply'] as const) {
    it(`${mode}: a secret resource's events carry the changed field names only`, async () => {
      const h = FakeHost.debian('h1').seedFile('/etc/token', `${OLD}\n`).script('reload auth', {});
      const { rec } = await runWith(pb, inv, { drivers: new Map([['h1', h]]), mode });
      assert.deepEqual(leaks(rec.events), []);
      const ev = rec.of('resource').find((e) => e.resource === 'token:/etc/token')!;
      assert.deepEqual([ev.status, ev.secret, ev.changes], [mode === 'check' ? 'would-change' : 'changed', true, [{ field: 'content' }, { field: 'mode' }]]);
      const key = rec.of('resource').find((e) => e.resource === 'file:/etc/key.pem')!;
      assert.equal(key.secret, true);
      assert.ok(key.changes.length > 0 && key.changes.every((c) => Object.keys(c).join() === 'field'), JSON.stringify(key.changes));
      if (mode === 'apply') assert.equal(h.read('/etc/token'), `${NEW}\n`);
    });
  }

  it('a failing secret command: its stderr, which may echo the secret, is scrubbed from every event', async () => {
    const token = secret('tok-9e8d7c6b5a4f');
    const login = defineRole({
      name: 'login',
      defaults: {},
      resources: () => [command({ name: 'login', command: `login --token ${token.reveal()}`, secret: true })],
    });
    const h = FakeHost.debian('h1').script(/^login/, (cmd) => ({ exitCode: 1, stderr: `login: rejected: ${cmd}` }));
    const { rec } = await runWith(definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [login] }] }), inv, { drivers: new Map([['h1', h]]) });
    assert.equal(rec.of('host-failed').length, 1);
    const shown = rec.events.map((e) => JSON.stringify(e)).filter((j) => j.includes(token.reveal()));
    assert.deepEqual(shown, []);
    assert.match(rec.of('host-failed')[0]!.error, /login: rejected: login --token \[secret\]/);
  });

  it('secrets of 1, 3, 5 and 40 characters carried in a NON-secret template and a failing command, in every encoding: no output mode shows them', async () => {
    // What the outside test did: JSON.stringify (or base64, a URL, a shell word) of a secret into a template.
    const texts = SECRETS.flatMap((s) => carriers(s).map((c) => c.text));
    const role = defineRole({
      name: 'app',
      defaults: {},
      resources: () => [
        template({ path: '/etc/app/config.json', render: () => `${texts.join('\n')}\n` }),
        command({ name: 'login', command: 'login --from-config', creates: '/etc/app/.done' }),
      ],
    });
    const pb1 = definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [role] }] });
    const outputs: Record<string, string> = {};
    for (const mode of ['check', 'apply'] as const) {
      const h = FakeHost.debian('h1')
        .seedFile('/etc/app/config.json', 'old\n')
        .script(/^login/, { exitCode: 1, stderr: `login: rejected ${texts.join(' | ')}` });
      const { rec } = await runWith(pb1, inv, { drivers: new Map([['h1', h]]), mode });
      assert.ok(
        rec.of('resource').some((e) => e.changes.some((c) => c.diff)),
        'the template shows a diff',
      );
      const sinks = { plain: new Collect(), live: new Collect(), json: new Collect() };
      const reporters = [
        consoleReporter({ out: sinks.plain, chalk: plain, tty: false, verbose: 2, diff: true }),
        consoleReporter({ out: sinks.live, chalk: colour, tty: true, verbose: 2, diff: true, now: () => 0, ticker: () => ({ stop() {} }) }),
        jsonReporter(sinks.json),
      ];
      for (const e of rec.events) for (const r of reporters) r.emit(e);
      for (const r of reporters) r.close?.();
      for (const [k, out] of Object.entries(sinks)) outputs[`${mode} ${k}`] = out.text;
    }
    assert.ok(leaksIn(texts.join('\n')).length > 0, 'the scanner sees the carried secrets');
    for (const [where, text] of Object.entries(outputs)) assert.deepEqual(leaksIn(text), [], where);
    assert.match(outputs['apply plain']!, /\+\{"token":"\[secret\]","n":1\}/, 'the JSON-escaped form is masked inside the diff');
  });
});
