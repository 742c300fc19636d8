/** The etcd CA rotation's order (phase from the files, which step may follow) and its file work on a real pki directory. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../lib/core/errors.js';
import {
  ensurePki,
  phaseOf,
  planStep,
  parseStep,
  readPushed,
  rotationPhase,
  stepEtcdCa,
  type RotationPhase,
  type RotationStep,
} from '../../roles/pki/catalogue/index.js';
import { smallSpec } from './fixtures.js';
import { tempDir } from './helpers.js';

const files = (current: boolean, next: boolean, trust: boolean, previous: boolean) => ({ current, next, trust, previous });

describe('pki: etcd CA rotation order', () => {
  it('reads the phase from which files exist', () => {
    assert.equal(phaseOf(files(true, false, false, false), 'w'), 'idle');
    assert.equal(phaseOf(files(true, true, true, false), 'w'), 'bundled');
    assert.equal(phaseOf(files(true, false, true, true), 'w'), 'reissued');
    assert.equal(phaseOf(files(true, false, false, true), 'w'), 'dropped');
    assert.throws(() => phaseOf(files(false, false, false, false), 'w'), /no etcd CA to rotate/);
    assert.throws(() => phaseOf(files(true, true, false, false), 'w'), /bundle step was interrupted/);
  });

  it('each step from its phase advances, the step just done repeats, anything else is refused naming the next step', () => {
    const table: [RotationPhase, RotationStep, 'advance' | 'repeat' | RegExp][] = [
      ['idle', 'bundle', 'advance'],
      ['idle', 'reissue', /not started, the next step is bundle/],
      ['idle', 'drop', /not started/],
      ['bundled', 'bundle', 'repeat'],
      ['bundled', 'reissue', 'advance'],
      ['bundled', 'drop', /at "bundled", the next step is reissue/],
      ['reissued', 'bundle', /next step is drop/],
      ['reissued', 'reissue', 'repeat'],
      ['reissued', 'drop', 'advance'],
      ['dropped', 'bundle', 'advance'],
      ['dropped', 'reissue', /next step is bundle \(to start another rotation\)/],
      ['dropped', 'drop', 'repeat'],
    ];
    for (const [phase, step, want] of table) {
      if (typeof want === 'string') assert.equal(planStep(phase, step, 'w'), want, `${phase} + ${step}`);
      else
        assert.throws(
          () => planStep(phase, step, 'w'),
          (e: unknown) => e instanceof ConfigError && want.test(e.message),
          `${phase} + ${step}`,
        );
    }
    assert.equal(parseStep('drop', 'w'), 'drop');
    assert.throws(() => parseStep('bundel', 'var x'), /"bundel" is not a rotation step: expected bundle, reissue, drop/);
  });
});

describe('pki: etcd CA rotation in the pki directory', () => {
  const t = tempDir();
  before(() => ensurePki(smallSpec(), t.dir, { mode: 'apply' }));
  after(() => t.cleanup());
  const read = (f: string) => readFileSync(join(t.dir, f), 'utf8');

  it('bundle, reissue, drop: what hosts get for etcd/ca.crt, which leaves are re-issued, and the old CA kept aside', async () => {
    const old = read('etcd/ca.crt');
    const kubeCa = read('ca.crt');
    const b = await stepEtcdCa(smallSpec(), t.dir, 'bundle', 'w');
    assert.equal(b.phase, 'bundled');
    assert.equal(await readPushed(t.dir, 'etcd/ca.crt'), `${old.trimEnd()}\n${read('etcd/ca-next.crt')}`);
    assert.equal(await readPushed(t.dir, 'ca.crt'), kubeCa, 'only the etcd CA is bundled');
    assert.deepEqual((await ensurePki(smallSpec(), t.dir, { mode: 'check' })).changed, 0, 'a bundled directory is a valid PKI');
    const r = await stepEtcdCa(smallSpec(), t.dir, 'reissue', 'w');
    assert.deepEqual(
      [...r.renew].sort(),
      ['apiserver-etcd-client', 'etcd-healthcheck-client', ...[1, 2, 3].flatMap((i) => [`etcd-peer:master-${i}`, `etcd-server:master-${i}`])].sort(),
    );
    assert.equal(read('etcd/ca-previous.crt'), old);
    await assert.rejects(stepEtcdCa(smallSpec(), t.dir, 'drop', 'w'), /not signed by the new etcd CA yet: apiserver-etcd-client, etcd-healthcheck-client/);
    await ensurePki(smallSpec(), t.dir, { mode: 'apply', renew: r.renew });
    const d = await stepEtcdCa(smallSpec(), t.dir, 'drop', 'w');
    assert.equal(d.phase, 'dropped');
    assert.equal(await readPushed(t.dir, 'etcd/ca.crt'), read('etcd/ca.crt'));
    assert.equal(await rotationPhase(t.dir, 'w'), 'dropped');
  });

  it('a reissue interrupted after the new CA was copied in does not lose the old one', async () => {
    await stepEtcdCa(smallSpec(), t.dir, 'bundle', 'w');
    const old = read('etcd/ca.crt');
    // The crash: ca.* already replaced by ca-next.*, ca-next.* still there.
    writeFileSync(join(t.dir, 'etcd/ca.crt'), read('etcd/ca-next.crt'));
    writeFileSync(join(t.dir, 'etcd/ca.key'), read('etcd/ca-next.key'));
    writeFileSync(join(t.dir, 'etcd/ca-previous.crt'), old);
    await stepEtcdCa(smallSpec(), t.dir, 'reissue', 'w');
    assert.equal(read('etcd/ca-previous.crt'), old);
    assert.equal(read('etcd/ca.crt'), await readPushed(t.dir, 'etcd/ca-next.crt.done'), 'the new CA is the current one');
  });
});
