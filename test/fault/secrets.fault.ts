/**
 * Fault family: secrets in every output mode (#16 item 15). fixtures/secrets.ts runs with a secret of
 * each length (1, 3, 5, 8, 40 characters; also faultop's sudo password) and a generated key, in each
 * mode below; stdout and stderr of every run are scanned for the secret raw, JSON-escaped (also \uXXXX),
 * base64 and URL-encoded, with ANSI sequences left in and taken out. Any hit is a leak. The short secrets
 * use characters tsplay never prints otherwise (runes), so a hit is the secret and not a coincidence.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { Connection } from '../../lib/core/connection.js';
import { count, value } from './counts.js';
import { SECRETS_DIR } from './fixtures/secrets.js';
import { connectAll, faultHosts, fixture, RMDIR_HOST_DIR, sh, shq, tsplay, WORK, writeInventory, type FaultHost, type Run } from './helpers.js';

const SECRETS = ['ᚠ', 'ᚢ"ᚦ', 'ᚨ\\ ᚱ/', 'Kx7"q\\ ᚲ', 'Zr8&Qm "p\\Lw+Tn/3ᚷv=Hd%k9Ys!Fb#Jc@Ue$GaW'];

/** `op`: the sudo play as faultop, whose become password is the secret (its own run: see the report's note). */
interface Mode {
  readonly name: string;
  readonly args: readonly string[];
  readonly tty?: boolean;
  readonly op?: boolean;
}
const MODES: readonly Mode[] = [
  { name: 'console (not a terminal)', args: [] },
  { name: 'console --diff', args: ['--diff'] },
  { name: '--check --diff', args: ['--check', '--diff'] },
  { name: '--json --diff', args: ['--json', '--diff'] },
  { name: '-v --diff', args: ['-v', '--diff'] },
  { name: 'live terminal --diff', args: ['--diff', '-v'], tty: true },
  { name: 'failing command, console', args: ['--diff', '-e', 'fail=true'] },
  { name: 'failing command, --json', args: ['--json', '-e', 'fail=true'] },
  { name: 'failing command, live terminal', args: ['-e', 'fail=true'], tty: true },
  { name: 'sudo password, -v --diff', args: ['-v', '--diff'], op: true },
  { name: 'sudo password, --json', args: ['--json'], op: true },
  { name: 'sudo password, live terminal', args: ['--diff'], tty: true, op: true },
];

/** The forms a secret may leak in. */
function forms(s: string): Record<string, string> {
  const json = JSON.stringify(s).slice(1, -1);
  const out: Record<string, string> = {
    raw: s,
    'JSON-escaped': json,
    'JSON \\u-escaped': json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    base64: Buffer.from(s).toString('base64'),
    'base64 unpadded': Buffer.from(s).toString('base64').replace(/=+$/, ''),
    'URL-encoded': encodeURIComponent(s),
    'form-encoded': new URLSearchParams({ x: s }).toString().slice(2),
  };
  // The same text twice (a form that equals another) is one check.
  return Object.fromEntries(Object.entries(out).filter(([k, v], i, all) => all.findIndex(([, w]) => w === v) === i && k && v));
}

/** The key's body lines (64 base64 characters each): any of them in the output is the key leaking. */
const keyLines = (pem: string) => pem.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'));

const stripAnsi = (t: string) => t.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g, '');

/** Where the secrets (each in all its forms, or as given with a label) appear in the run's output. */
function leaks(r: Run, secrets: readonly string[], label?: string): string[] {
  const needles = secrets.flatMap((s, i) => Object.entries(label === undefined ? forms(s) : { [`${label}${i + 1}`]: s }));
  const found: string[] = [];
  for (const [stream, text] of [
    ['stdout', r.stdout],
    ['stderr', r.stderr],
  ] as const) {
    for (const t of [text, stripAnsi(text)]) {
      for (const [form, needle] of needles) {
        const at = t.indexOf(needle);
        if (at < 0 || found.some((f) => f.startsWith(`${form} in ${stream}`))) continue;
        found.push(`${form} in ${stream}: ...${JSON.stringify(t.slice(Math.max(0, at - 40), at + needle.length + 20))}...`);
      }
    }
  }
  return found;
}

describe('fault: secrets in every output mode', () => {
  let hosts: FaultHost[];
  let conns: Map<string, Connection>;
  let inventory: string;

  before(async function () {
    hosts = await faultHosts(this);
    conns = await connectAll(hosts);
    inventory = writeInventory(hosts);
    // faultop: logs in with the lab key, and sudo asks for its password (the secret of the run).
    await Promise.all(
      [...conns.values()].map((c) =>
        sh(
          c,
          [
            'id faultop >/dev/null 2>&1 || useradd -m -s /bin/sh faultop',
            'install -d -m 700 -o faultop -g faultop /home/faultop/.ssh',
            'install -m 600 -o faultop -g faultop /root/.ssh/authorized_keys /home/faultop/.ssh/authorized_keys',
            `echo 'faultop ALL=(ALL) ALL' >/etc/sudoers.d/tsplay-fault && chmod 440 /etc/sudoers.d/tsplay-fault`,
          ].join(' && '),
        ),
      ),
    );
  });
  after(async () => {
    for (const h of hosts ?? []) rmSync(`${WORK}/key-${h.name}.pem`, { force: true });
    if (!conns) return;
    await Promise.all(
      [...conns.values()].map((c) =>
        sh(c, `userdel -f -r faultop 2>/dev/null; rm -f /etc/sudoers.d/tsplay-fault; rm -rf ${SECRETS_DIR}; ${RMDIR_HOST_DIR}`).finally(() => c.close()),
      ),
    );
  });

  it(`${SECRETS.length} secret lengths x ${MODES.length} output modes: no secret in any output, in any encoding`, async () => {
    const onHost = async (h: FaultHost, secret: string) => {
      await sh(conns.get(h.name)!, `printf '%s\\n' ${shq(`faultop:${secret}`)} | chpasswd`);
      for (const [i, mode] of MODES.entries()) {
        const args = [
          'run',
          fixture('secrets.ts'),
          '-i',
          inventory,
          '--limit',
          mode.op ? `${h.name}-op` : h.name,
          '-e',
          `nonce=${secret.length}-${i}-${Date.now()}`,
          ...mode.args,
        ];
        const keyOut = `${WORK}/key-${h.name}.pem`;
        rmSync(keyOut, { force: true });
        const r = await tsplay(args, {
          env: { TSPLAY_FAULT_SECRET: secret, TSPLAY_FAULT_BECOME: secret, TSPLAY_FAULT_KEY_OUT: keyOut },
          ...(mode.tty ? { tty: true } : {}),
        });
        count('secretOutputs');
        const what = `secret of length ${secret.length}, ${mode.name} (exit ${r.code})`;
        for (const l of leaks(r, [secret])) count('secretLeaks', 1, `${what}: ${l}`);
        const pem = existsSync(keyOut) ? readFileSync(keyOut, 'utf8') : '';
        for (const l of leaks(r, keyLines(pem), 'key line ')) count('secretLeaks', 1, `${what}: the generated key: ${l}`);
        if (r.code !== 0 && !mode.args.includes('fail=true') && !/secret/i.test(r.stderr)) {
          console.log(`      note: ${what}: ${r.stderr.trim().split('\n').slice(-2).join(' | ').slice(0, 300)}`);
        }
      }
    };
    const queue = [...SECRETS];
    await Promise.all(
      hosts.map(async (h) => {
        for (let s = queue.shift(); s !== undefined; s = queue.shift()) await onHost(h, s);
      }),
    );
    console.log(`      ${value('secretOutputs')} outputs scanned: ${value('secretLeaks')} leaks`);
    assert.equal(value('secretLeaks'), 0, 'a secret appeared in some output (see the summary for where)');
  });
});
