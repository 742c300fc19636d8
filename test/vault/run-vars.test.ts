/**
 * `tsplay run -e @vault.yml` with an age-encrypted vars file: decrypted in memory (nothing in clear on disk),
 * its values reach the roles, and every string in it is masked in all output. Fake hosts, in-process.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openVaultVars, readExtraVars } from '../../lib/cli/extra-vars.js';
import { encrypt } from '../../lib/vault/crypt.js';
import { Fleet, INVENTORY, SAMPLE, tsplay } from '../cli/helpers.js';
import { FAST, scratch } from './helpers.js';

const PASS = 'run-time vault passphrase 1';
const TITLE = 'Vaulted title for the run test';

/** Run with TSPLAY_VAULT_PASSWORD set to `pass` (or unset), as the real process would see it. */
async function withEnv<T>(pass: string | undefined, fn: () => Promise<T>): Promise<T> {
  const before = process.env['TSPLAY_VAULT_PASSWORD'];
  if (pass === undefined) delete process.env['TSPLAY_VAULT_PASSWORD'];
  else process.env['TSPLAY_VAULT_PASSWORD'] = pass;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env['TSPLAY_VAULT_PASSWORD'];
    else process.env['TSPLAY_VAULT_PASSWORD'] = before;
  }
}

describe('tsplay run -e @encrypted.yml (fake hosts)', () => {
  const s = scratch();
  let vaultFile: string;
  before(async () => {
    vaultFile = s.write('vault.yml', await encrypt({ data: `title: "${TITLE}"\nport: 8282\n`, passphrase: PASS, workFactor: FAST }));
  });

  it('the values reach the role; every output that would show one shows [secret]; nothing in clear on disk', async () => {
    const tempBefore = readdirSync(tmpdir()).sort();
    const fleet = new Fleet();
    const r = await withEnv(PASS, () => tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, '--limit', 'web-1', '--diff', '-e', `@${vaultFile}`));
    assert.equal(r.code, 0, r.err);
    assert.match(fleet.get('web-1').read('/srv/webapp/www/index.html')!, new RegExp(TITLE), 'the host gets the real value');
    assert.match(fleet.get('web-1').read('/etc/webapp/webapp.conf')!, /port = 8282/);
    assert.match(r.out, /^ {4}\+title = "\[secret\]"$/m, 'the diff of the config shows the mask');
    assert.doesNotMatch(r.out + r.err, new RegExp(TITLE));
    const json = await withEnv(PASS, () => tsplay(new Fleet(), 'run', SAMPLE, '-i', INVENTORY, '--limit', 'web-1', '--json', '-e', `@${vaultFile}`));
    assert.equal(json.code, 0, json.err);
    assert.match(json.out, /\[secret\]/);
    assert.doesNotMatch(json.out + json.err, new RegExp(TITLE));
    assert.deepEqual(s.entries(), ['vault.yml']);
    assert.match(readFileSync(vaultFile, 'utf8'), /^-----BEGIN AGE ENCRYPTED FILE-----/);
    assert.deepEqual(
      readdirSync(tmpdir())
        .sort()
        .filter((f) => !tempBefore.includes(f) && f.startsWith('tsplay-vault')),
      [],
    );
  });

  it('--vault-password-file; a later clear -e still wins over the encrypted file', async () => {
    const fleet = new Fleet();
    const passFile = s.write('pass', `${PASS}\n`, 0o600);
    const r = await withEnv(undefined, () =>
      tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, '--limit', 'web-1', '--vault-password-file', passFile, '-e', `@${vaultFile}`, '-e', 'port=8383'),
    );
    assert.equal(r.code, 0, r.err);
    assert.match(fleet.get('web-1').read('/etc/webapp/webapp.conf')!, /port = 8383/);
    assert.match(fleet.get('web-1').read('/srv/webapp/www/index.html')!, new RegExp(TITLE));
  });

  it('a wrong passphrase: exit 1, an error naming the file, no host touched', async () => {
    const fleet = new Fleet();
    const r = await withEnv('not the passphrase', () => tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, '-e', `@${vaultFile}`));
    assert.equal(r.code, 1);
    assert.match(r.err, new RegExp(`^error: -e @${vaultFile}: wrong passphrase: it does not decrypt this file`));
    assert.deepEqual(fleet.connects, []);
  });

  it('no passphrase source and no terminal: a clear error naming the file', async function () {
    if (process.stdin.isTTY) this.skip(); // a terminal would be asked
    const fleet = new Fleet();
    const r = await withEnv(undefined, () => tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, '-e', `@${vaultFile}`));
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      new RegExp(
        `^error: -e @${vaultFile}: needs the vault passphrase and there is no terminal to ask it on: pass --vault-password-file FILE or set TSPLAY_VAULT_PASSWORD`,
      ),
    );
    assert.deepEqual(fleet.connects, []);
  });

  it('every string of the file is a secret, nested ones too; numbers and booleans are not', async () => {
    const f = s.write(
      'nested.yml',
      await encrypt({
        data: 'token: "nested-token-1234567"\nlist: ["in a list 1234567", 42]\nmap: { deep: "deep value 1234567", on: true }\n',
        passphrase: PASS,
        workFactor: FAST,
      }),
    );
    await withEnv(PASS, () => openVaultVars({ extraVar: [`@${f}`] }));
    const { redact } = await import('../../lib/core/secret.js');
    assert.equal(redact('nested-token-1234567 / in a list 1234567 / deep value 1234567 / 42 / true'), '[secret] / [secret] / [secret] / 42 / true');
    assert.deepEqual(readExtraVars([`@${f}`]).vars, {
      token: 'nested-token-1234567',
      list: '["in a list 1234567",42]',
      map: '{"deep":"deep value 1234567","on":true}',
    });
  });

  it('an encrypted file not decrypted before reading its vars (readExtraVars alone) is an error, not its armor parsed as YAML', async () => {
    const f = s.write('sealed.yml', await encrypt({ data: 'a: 1\n', passphrase: PASS, workFactor: FAST }));
    assert.throws(() => readExtraVars([`@${f}`]), /-e @.*sealed\.yml: cannot read: it is age-encrypted and was not decrypted before the run/);
  });
});
