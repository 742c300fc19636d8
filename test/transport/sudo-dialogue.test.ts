import assert from 'node:assert/strict';
import { SUDO_PROMPT, SUDO_READY, SudoDialogue } from '../../lib/transport/sudo-dialogue.js';

describe('sudo dialogue', () => {
  it('sends the password on the first prompt, and stdin only once the command is ready', () => {
    const d = new SudoDialogue();
    assert.deepEqual(d.read('We trust you have received the usual lecture.\n'), { turns: [], stderr: '' });
    assert.deepEqual(d.read(SUDO_PROMPT.slice(0, 5)), { turns: [], stderr: '' });
    assert.deepEqual(d.read(SUDO_PROMPT.slice(5)), { turns: ['send-password'], stderr: '' });
    assert.deepEqual(d.read(`\n${SUDO_READY}\nthe command's own`), { turns: ['ready'], stderr: "the command's own" });
    assert.deepEqual(d.read(` stderr, even ${SUDO_PROMPT}`), { turns: [], stderr: ` stderr, even ${SUDO_PROMPT}` });
    assert.ok(d.prompted && d.ready);
  });

  it('a second prompt is a refused password', () => {
    const d = new SudoDialogue();
    assert.deepEqual(d.read(SUDO_PROMPT).turns, ['send-password']);
    assert.deepEqual(d.read(`\nSorry, try again.\n${SUDO_PROMPT}`).turns, ['refused']);
    assert.equal(d.said, 'Sorry, try again.');
    assert.ok(!d.ready);
  });

  it('no prompt at all (NOPASSWD): ready without the password', () => {
    const d = new SudoDialogue();
    assert.deepEqual(d.read(`${SUDO_READY}\n`), { turns: ['ready'], stderr: '' });
    assert.ok(!d.prompted);
  });

  it('what sudo said when it would not run the command', () => {
    const d = new SudoDialogue();
    d.read('deploy is not in the sudoers file.\n');
    assert.equal(d.said, 'deploy is not in the sudoers file.');
  });
});
