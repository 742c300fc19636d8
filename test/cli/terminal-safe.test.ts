/**
 * What the CLI prints outside the reporters (errors, usage errors, listings) is terminal-safe too: a
 * hostile path, option or var name shows its control characters written out, never raw.
 */
import assert from 'node:assert/strict';
import { main } from '../../lib/cli/main.js';
import { Collect } from '../report/helpers.js';
import { INVENTORY, SAMPLE } from './helpers.js';

const HOSTILE = '\x1b]0;pwned\x07\x1b[31m\r\u009b';
const RAW = /[\0-\x09\x0b-\x1f\x7f-\x9f]/;

async function run(...argv: string[]): Promise<string> {
  const stdout = new Collect();
  const stderr = new Collect();
  await main(argv, {
    stdout,
    stderr,
    tty: false,
    connect: async () => {
      throw new Error('no host may be touched');
    },
  });
  return stdout.text + stderr.text;
}

describe('tsplay: terminal-safe errors and listings', () => {
  for (const [what, argv] of [
    ['a missing playbook', ['run', `playbooks/${HOSTILE}.ts`, '-i', INVENTORY]],
    ['a bad -e value', ['run', SAMPLE, '-i', INVENTORY, '-e', `port=${HOSTILE}`]],
    ['an unknown option', ['run', SAMPLE, '-i', INVENTORY, `--x${HOSTILE}`]],
    ['a --limit listing', ['run', SAMPLE, '-i', INVENTORY, '--list-hosts', '--limit', `web-1:${HOSTILE}`]],
  ] as const) {
    it(`${what}: no raw control character, the hostile ones shown`, async () => {
      const text = await run(...argv);
      assert.doesNotMatch(text, RAW, JSON.stringify(text));
      assert.match(text, /\\x1b\]0;pwned\\x07\\x1b\[31m\\r\\u009b/, text);
    });
  }
});
