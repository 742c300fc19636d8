/** age with a passphrase: round trip, armor, format detection, and errors that name the file. */
import assert from 'node:assert/strict';
import { armor } from 'age-encryption';
import { decrypt, encrypt } from '../../lib/vault/crypt.js';
import { ARMOR_BEGIN, isArmored, isEncrypted } from '../../lib/vault/format.js';
import { FAST } from './helpers.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('vault: age encryption with a passphrase', () => {
  it('round trip: armored text, an scrypt stanza alone, decrypted to the very bytes', async () => {
    const clear = 'db_password: "s3cr3t with spaces"\nlist: [1, two]\nunicode: é✓\n';
    const sealed = await encrypt({ data: clear, passphrase: 'correct horse', workFactor: FAST });
    assert.ok(sealed.startsWith(`${ARMOR_BEGIN}\n`) && sealed.endsWith('-----END AGE ENCRYPTED FILE-----\n'), sealed);
    assert.doesNotMatch(sealed, /s3cr3t/);
    assert.match(text(armor.decode(sealed)), new RegExp(`^age-encryption\\.org/v1\\n-> scrypt \\S+ ${FAST}\\n`));
    assert.equal(text(await decrypt({ data: bytes(sealed), passphrase: 'correct horse', shownAs: 'v.yml' })), clear);
  });

  it('each encryption differs (a fresh file key and salt), and a binary age file decrypts too', async () => {
    const a = await encrypt({ data: 'x: 1\n', passphrase: 'p', workFactor: FAST });
    const b = await encrypt({ data: 'x: 1\n', passphrase: 'p', workFactor: FAST });
    assert.notEqual(a, b);
    assert.equal(text(await decrypt({ data: armor.decode(a), passphrase: 'p', shownAs: 'bin.age' })), 'x: 1\n');
  });

  it('a wrong passphrase: a ConfigError naming the file', async () => {
    const sealed = bytes(await encrypt({ data: 'x: 1\n', passphrase: 'right', workFactor: FAST }));
    await assert.rejects(decrypt({ data: sealed, passphrase: 'wrong', shownAs: 'vars/prod.yml' }), {
      name: 'ConfigError',
      message: /^vars\/prod\.yml: wrong passphrase: it does not decrypt this file/,
    });
  });

  it('a damaged file: a ConfigError naming the file', async () => {
    await assert.rejects(
      decrypt({ data: bytes(`${ARMOR_BEGIN}\nnot base64 at all!\n-----END AGE ENCRYPTED FILE-----\n`), passphrase: 'p', shownAs: 'v.yml' }),
      {
        name: 'ConfigError',
        message: /^v\.yml: is not a valid armored age file/,
      },
    );
    const sealed = await encrypt({ data: 'x: 1\n'.repeat(20), passphrase: 'p', workFactor: FAST });
    const raw = armor.decode(sealed);
    raw[raw.length - 5]! ^= 1;
    await assert.rejects(decrypt({ data: raw, passphrase: 'p', shownAs: 'v.yml' }), { name: 'ConfigError', message: /^v\.yml: cannot be decrypted \(damaged/ });
  });

  it('format detection: armored (leading blank lines allowed) and binary age files, not YAML or JSON', async () => {
    const sealed = await encrypt({ data: 'x', passphrase: 'p', workFactor: FAST });
    assert.ok(isArmored(sealed) && isArmored(`\n\n${sealed}`));
    assert.ok(isEncrypted(bytes(sealed)) && isEncrypted(armor.decode(sealed)));
    for (const clear of ['', 'a: 1\n', '{"a": 1}', `# ${ARMOR_BEGIN}\n`, 'age-encryption.org/v1 is a format\n']) assert.ok(!isEncrypted(bytes(clear)), clear);
  });
});
