/** askPassword's errors name what it was asking for: -K's become password or a vault passphrase. */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { askedFor, askPassword } from '../../lib/cli/ask-password.js';

/** A fake terminal: isTTY, setRawMode, and the keys typed. */
function tty(keys: string): NodeJS.ReadStream {
  const s = new PassThrough() as unknown as NodeJS.ReadStream & { isTTY: boolean; setRawMode(b: boolean): NodeJS.ReadStream };
  s.isTTY = true;
  s.setRawMode = () => s;
  setImmediate(() => (s as unknown as PassThrough).write(keys));
  return s;
}
const sink = () => new PassThrough();

describe('askPassword', () => {
  it('names what the prompt asks for', () => {
    assert.equal(askedFor('BECOME password: '), 'become password');
    assert.equal(askedFor('Vault passphrase for secrets.yml: '), 'vault passphrase for secrets.yml');
    assert.equal(askedFor('Again, to confirm: '), 'passphrase (again, to confirm)');
  });

  it('Ctrl-C at the vault passphrase prompt says vault passphrase, not become password', async () => {
    await assert.rejects(askPassword('Vault passphrase for secrets.yml: ', { input: tty('ab\u0003'), output: sink() }), (e: Error) => {
      assert.match(e.message, /interrupted while asking for the vault passphrase for secrets\.yml/);
      assert.doesNotMatch(e.message, /become/);
      return true;
    });
  });

  it('Ctrl-C at -K names the become password and -K', async () => {
    await assert.rejects(
      askPassword('BECOME password: ', { input: tty('\u0003'), output: sink() }),
      (e: Error & { where?: string }) => /interrupted while asking for the become password/.test(e.message) && e.message.includes('-K'),
    );
  });

  it('returns what was typed, backspace applied; nothing echoed', async () => {
    const out = sink();
    let echoed = '';
    out.on('data', (d: Buffer) => (echoed += d.toString()));
    assert.equal(await askPassword('BECOME password: ', { input: tty('sex\u007fcret\r'), output: out }), 'secret');
    assert.equal(echoed, 'BECOME password: \n');
  });

  it('without a terminal: a clear error naming what it would have asked', async () => {
    const notTty = new PassThrough() as unknown as NodeJS.ReadStream;
    await assert.rejects(askPassword('Vault passphrase for v.yml: ', { input: notTty }), /needs a terminal to ask for the vault passphrase for v\.yml/);
    await assert.rejects(askPassword('BECOME password: ', { input: notTty }), /become password .*inventory as a secret/);
  });
});
