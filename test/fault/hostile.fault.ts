/**
 * Fault family: hostile values through every resource on a real host (#16 items 1-3). Each value of the
 * table goes, with `-e`, into each slot of fixtures/hostile-slots.ts (file, directory, template, line,
 * owner, sysctl key and value, command stdin and creates, user name and home) and into the sample role's
 * title (its unit file, page and gate). Each (value, slot) is then one of:
 *   refused   tsplay exits 1 before touching a host, or the resource fails with an error;
 *   literal   the value is on the host byte for byte, and a rerun changes nothing;
 *   executed  a canary file appeared, a file outside the target was written, a user appeared that nobody
 *             asked for, or the value acted as an option (an owner taken from another file);
 *   mangled   it landed altered, or never converges.
 * Slots are batched per value (those that refuse when built in-process, then the rest); any surprise in a
 * batch (an exit 1, a skipped resource, an escape) re-runs its slots one by one so that each is attributed.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Connection } from '../../lib/core/connection.js';
import type { Cluster } from '../../lib/core/model.js';
import type { AnyResource } from '../../lib/core/resource.js';
import { count, value as countOf } from './counts.js';
import { HOST_DIR, HOSTILE_DIR as D, HOSTILE_SYSCTL } from './fixtures/host-paths.js';
import { HOSTILE_USER, SLOT_NAMES, SLOTS, type Slot } from './fixtures/hostile-slots.js';
import webapp from '../../roles/webapp/index.js';
import { asHost } from '../integration/lab-hosts.js';
import { connectAll, faultHosts, fixture, RMDIR_HOST_DIR, runAccount, sh, shq, tsplay, writeInventory, type FaultHost, type Run } from './helpers.js';
import { CANARY_PREFIX, localHostileValues, SUITE_ROWS, type HostileValue } from './hostile-values.js';

type Kind = 'literal' | 'refused' | 'executed' | 'mangled';
interface Outcome {
  readonly kind: Kind;
  readonly why?: string;
}
const COUNT = { literal: 'hostileLiteral', refused: 'hostileRefused', executed: 'hostileExecuted', mangled: 'hostileMangled' } as const;

const STAMP = `${HOST_DIR}/stamp`;
const USERS_BEFORE = `${HOST_DIR}/users.before`;
const SYSCTL_FILE = `/etc/sysctl.d/90-tsplay-${HOSTILE_SYSCTL.key}.conf`;
// Ours, the shared table's (/tmp/tsplay-hostile-canary and -escape) and the issue's.
const CANARIES = `${CANARY_PREFIX}* /tmp/tsplay-hostile-* /tmp/pwned* /tmp/sysctl-escape*`;
/** The decoy a glob in the creates guard would match (D/c-* matches it; the literal path never exists). */
const DECOY = 'c-decoy';

/**
 * The shared table (test/resources/hostile-values.ts) when another part of the project has written it,
 * plus this suite's rows it lacks (by name); else this suite's own table.
 */
async function hostileValues(): Promise<{ source: string; values: readonly HostileValue[] }> {
  const shared = '../resources/hostile-values.js';
  if (existsSync(fileURLToPath(new URL(shared.replace(/\.js$/, '.ts'), import.meta.url)))) {
    const mod = (await import(shared)) as Record<string, unknown>;
    const isTable = (x: unknown): x is HostileValue[] =>
      Array.isArray(x) && x.length > 0 && x.every((r) => typeof r?.name === 'string' && typeof r?.value === 'string');
    const table = Object.values(mod).find(isTable);
    if (table) {
      const extra = localHostileValues.filter((r) => SUITE_ROWS.includes(r.name) && !table.some((t) => t.name === r.name));
      return { source: `test/resources/hostile-values.ts + ${extra.length} rows of test/fault/hostile-values.ts`, values: [...table, ...extra] };
    }
  }
  return { source: 'test/fault/hostile-values.ts (test/resources/hostile-values.ts not found)', values: localHostileValues };
}

/** Files a run may write besides its target: the fixture's tree, account files, the sample app's own files, a run lock. */
const EXPECTED_WRITES = [
  new RegExp(`^${D}/`),
  new RegExp(`^${HOST_DIR}/(stamp|users\\.before)$`),
  /^\/etc\/sysctl\.d\/90-tsplay-/,
  /^\/etc\/(passwd|group|shadow|gshadow|subuid|subgid)-?$/,
  /^\/etc\/\.pwd\.lock$/,
  /^\/etc\/systemd\/system\/(webapp\.service|multi-user\.target\.wants\/webapp\.service)$/,
  /^\/srv\/webapp\//,
  /^\/etc\/webapp\//,
  /^\/etc\/hosts$/,
  /^\/(var\/)?tmp\/systemd-private-/,
  /tsplay[^/]*lock|lock[^/]*tsplay/i,
];

interface HostState {
  readonly files: Readonly<Record<string, string>>;
  /** Everything under D as "TYPE PATH" (bytes, latin1), PATH relative to D (find's %y: f file, d directory). */
  readonly entries: readonly string[];
  readonly owned?: string;
  readonly ran: boolean;
  readonly newUsers: readonly string[];
  readonly homeOf: Readonly<Record<string, string>>;
  readonly sysctl: string;
  readonly sysctlFile?: string;
  /** systemd's reading of the sample app's Description (the title slot). */
  readonly description: string;
  readonly canaries: readonly string[];
  readonly unexpected: readonly string[];
}

const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
/** File bytes one char per byte, so that comparing with `bytes(want)` is byte for byte (invalid UTF-8 included). */
const b64bytes = (s: string) => Buffer.from(s, 'base64').toString('latin1');
const bytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
const split0 = (s: string) => s.split('\0').filter(Boolean);

/** One round trip: everything the classification needs, each field base64 so any byte survives. */
const GATHER = `
D=${D}
for f in content tpl lines stdin; do [ -f "$D/$f" ] && printf 'file.%s\\t%s\\n' "$f" "$(base64 -w0 <"$D/$f")"; done
printf 'entries\\t%s\\n' "$(find "$D" -mindepth 1 -printf '%y %P\\0' | base64 -w0)"
[ -e "$D/owned" ] && printf 'owned\\t%s\\n' "$(stat -c '%U:%G' "$D/owned" | base64 -w0)"
[ -e "$D/ran" ] && printf 'ran\\tx\\n'
printf 'users\\t%s\\n' "$(getent passwd | base64 -w0)"
printf 'usersBefore\\t%s\\n' "$(base64 -w0 <${USERS_BEFORE})"
printf 'sysctl\\t%s\\n' "$(sysctl -n ${HOSTILE_SYSCTL.key} | base64 -w0)"
[ -f ${SYSCTL_FILE} ] && printf 'sysctlFile\\t%s\\n' "$(base64 -w0 <${SYSCTL_FILE})"
printf 'description\\t%s\\n' "$(systemctl show -p Description --value webapp.service | base64 -w0)"
printf 'canaries\\t%s\\n' "$(ls -d ${CANARIES} 2>/dev/null | base64 -w0)"
printf 'newer\\t%s\\n' "$(find /etc /tmp /var/tmp /root /srv /opt /usr/local /home -xdev ! -type d -newer ${STAMP} -print0 2>/dev/null | base64 -w0)"
`;

async function gather(c: Connection): Promise<HostState> {
  const f = Object.fromEntries(
    (await sh(c, GATHER))
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t') as [string, string]),
  );
  const passwd = (text: string) =>
    text
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(':'));
  const before = new Set(passwd(b64(f.usersBefore ?? '')).map((p) => p[0]));
  const users = passwd(b64(f.users ?? ''));
  return {
    files: Object.fromEntries(
      Object.entries(f)
        .filter(([k]) => k.startsWith('file.'))
        .map(([k, v]) => [k.slice(5), b64bytes(v)]),
    ),
    entries: split0(b64bytes(f.entries ?? '')).filter((e) => e !== `f ${DECOY}`),
    ...(f.owned ? { owned: b64(f.owned).trim() } : {}),
    ran: f.ran !== undefined,
    newUsers: users.map((p) => p[0]!).filter((u) => !before.has(u)),
    homeOf: Object.fromEntries(users.map((p) => [p[0]!, p[5] ?? ''])),
    sysctl: b64(f.sysctl ?? '').trim(),
    ...(f.sysctlFile !== undefined ? { sysctlFile: b64(f.sysctlFile) } : {}),
    description: b64bytes(f.description ?? '').replace(/\n$/, ''),
    canaries: b64(f.canaries ?? '')
      .split('\n')
      .filter(Boolean),
    unexpected: split0(b64(f.newer ?? '')).filter((p) => !EXPECTED_WRITES.some((re) => re.test(p))),
  };
}

/** Evidence that something ran or escaped its target (empty when nothing did). */
function escapes(s: HostState, v: string, slots: readonly Slot[]): string[] {
  const allowedUsers = [HOSTILE_USER, ...(slots.includes('user.name') ? [v] : [])];
  return [
    ...s.canaries.map((p) => `canary ${p} appeared`),
    ...s.unexpected.map((p) => `wrote ${JSON.stringify(p)} outside the target`),
    ...s.newUsers.filter((u) => !allowedUsers.includes(u)).map((u) => `user ${JSON.stringify(u)} appeared`),
  ];
}

/** The resource's path relative to D, as the resource normalised it (`a//b/` is `a/b`; a `/` in the value nests). */
const under = (rs: readonly AnyResource[]) => rs[0]!.id.slice(rs[0]!.id.indexOf(':') + 1).slice(D.length + 1);
const norm = (x: string) => x.trim().split(/\s+/).join(' ');
const literal: Outcome = { kind: 'literal' };
const mangled = (why: string): Outcome => ({ kind: 'mangled', why });
/** `have` as bytes (latin1, from the host), `want` as the text a role meant. */
const same = (have: string | undefined, want: string, what: string): Outcome =>
  have === bytes(want)
    ? literal
    : mangled(
        `${what} is ${have === undefined ? '(missing)' : JSON.stringify(Buffer.from(have, 'latin1').toString('utf8').slice(0, 120))}, wanted ${JSON.stringify(want.slice(0, 120))}`,
      );

/** The sample app's title: its unit file (systemd reads the Description back), page and gate. */
const TITLE = 'webapp.title';
type Place = Slot | typeof TITLE;
const PLACES: readonly Place[] = [...SLOT_NAMES, TITLE];

/** Whether the value landed byte for byte, per place. */
const LANDED: Record<Place, (s: HostState, v: string) => Outcome> = {
  [TITLE]: (s, v) => same(s.description, `tsplay sample web app (${v})`, "systemd's Description"),
  'file.content': (s, v) => same(s.files.content, v, 'the file'),
  'file.path': (s, v) => (s.entries.includes(`f ${bytes(under(SLOTS['file.path'](v)))}`) ? literal : mangled(`${D} holds ${JSON.stringify(s.entries)}`)),
  'directory.path': (s, v) =>
    s.entries.includes(`d ${bytes(under(SLOTS['directory.path'](v)))}`) ? literal : mangled(`${D} holds ${JSON.stringify(s.entries)}`),
  'file.owner': (s, v) => {
    if (s.owned === undefined) return mangled('the file is missing');
    if (s.owned.split(':')[0] === v) return literal;
    // chown succeeded without making the value the owner: it read the value as an option.
    return s.owned === 'root:root'
      ? mangled(`owner is ${s.owned}`)
      : { kind: 'executed', why: `the owner became ${s.owned}: the value acted as a chown option` };
  },
  template: (s, v) => same(s.files.tpl, `value=${v}\n`, 'the template'),
  line: (s, v) => same(s.files.lines, `k=${v}\n`, 'the line file'),
  'sysctl.key': () => mangled('an invalid sysctl key was accepted'),
  'sysctl.value': (s, v) => {
    const keys = (s.sysctlFile ?? '').split('\n').filter((l) => l.includes('='));
    if (keys.length > 1) return { kind: 'executed', why: `the persisted file sets ${keys.length} keys: ${JSON.stringify(s.sysctlFile)}` };
    return norm(s.sysctl) === norm(v)
      ? same(bytes(s.sysctlFile ?? ''), `${HOSTILE_SYSCTL.key} = ${norm(v)}\n`, SYSCTL_FILE)
      : mangled(`the kernel has ${JSON.stringify(s.sysctl)}`);
  },
  'command.stdin': (s, v) => same(s.files.stdin, v, 'what the command read'),
  'command.creates': (s) => (s.ran ? literal : mangled('the command did not run: its creates guard matched another path')),
  'user.name': (s, v) => (s.newUsers.includes(v) ? literal : mangled(`new users: ${JSON.stringify(s.newUsers)}`)),
  'user.home': (s, v) => same(bytes(s.homeOf[HOSTILE_USER] ?? ''), `${D}/h-${v}`, `${HOSTILE_USER}'s home`),
};
/** A guarded command whose `creates` path never appears runs on every apply by design: no convergence check. */
const RERUNS_BY_DESIGN: readonly Place[] = ['command.creates'];

/** argv carries neither NUL nor what does not survive UTF-8 (a lone surrogate): such values travel as JSON. */
const argvSafe = (v: string) => !v.includes('\0') && Buffer.from(v).toString('utf8') === v;
const valueArgs = (v: string) => (argvSafe(v) ? ['-e', `value=${v}`] : ['-e', `box=${JSON.stringify({ value: v })}`]);

const PROBE_HOST = asHost({ name: 'probe', address: '127.0.0.1' });

/** In-process, as tsplay's compile would: whether building the place's resources throws for this value. */
function refuses(place: Place, v: string): boolean {
  try {
    if (place !== TITLE) SLOTS[place](v);
    else webapp.resources(webapp.schema ? webapp.schema.parse({ ...webapp.defaults, title: v }) : { ...webapp.defaults, title: v }, PROBE_HOST, {} as Cluster);
    return false;
  } catch {
    return true;
  }
}

/** Whether an event of the run is one of the place's resources on that host. */
const isOf = (place: Place, v: string, host: string) => {
  const ids = place === TITLE ? [] : SLOTS[place](v).map((r) => r.id);
  return (e: Record<string, unknown>) =>
    e.kind === 'resource' && e.host === host && (place === TITLE ? e.role === webapp.name : ids.includes(String(e.resource)));
};

const firstError = (r: Run) =>
  (
    r.stderr
      .trim()
      .split('\n')
      .find((l) => /error/i.test(l)) ??
    r.stderr.trim().split('\n')[0] ??
    ''
  ).slice(0, 200);

describe('fault: hostile values through every resource', () => {
  let hosts: FaultHost[];
  let conns: Map<string, Connection>;
  let inventory: string;
  const rows: string[] = [];

  before(async function () {
    hosts = await faultHosts(this);
    conns = await connectAll(hosts);
    inventory = writeInventory(hosts);
  });
  after(async () => {
    if (!conns) return;
    await Promise.all([...conns.values()].map((c) => cleanup(c).then(() => sh(c, `rm -rf ${D} ${STAMP} ${USERS_BEFORE}; ${RMDIR_HOST_DIR}`))));
    // The sample app back to its defaults (the title slot changed it), as CI's e2e suite left it.
    const restore = await tsplay(['run', 'playbooks/sample.ts', '-i', inventory, '--limit', hosts.map((h) => h.name).join(':')]);
    await Promise.all([...conns.values()].map((c) => c.close()));
    assert.equal(restore.code, 0, `restoring the sample app failed: ${runAccount(restore)}`);
  });

  /** Undo what a batch may have made (its users, the sysctl, persisted sysctl files, canaries), then a fresh D and stamp. */
  async function cleanup(c: Connection, users: readonly string[] = []): Promise<void> {
    await sh(
      c,
      [
        ...[HOSTILE_USER, ...users].map((u) => `userdel -- ${shq(u)} 2>/dev/null || :`),
        `sysctl -qw ${HOSTILE_SYSCTL.key}=${HOSTILE_SYSCTL.default}`,
        `[ -e ${STAMP} ] && find /etc/sysctl.d -name '90-tsplay-*' -newer ${STAMP} -delete || :`,
        `rm -rf ${CANARIES}`,
      ].join('\n'),
    );
  }
  const fresh = (c: Connection) => sh(c, `rm -rf ${D} && mkdir -p ${D} && touch ${D}/${DECOY} && getent passwd >${USERS_BEFORE} && touch ${STAMP}`);

  /** The places of one value in one tsplay run (and a second, for convergence); any surprise re-runs them one by one. */
  async function batch(h: FaultHost, v: string, places: readonly Place[], expectRefusal = false): Promise<Map<Place, Outcome>> {
    const c = conns.get(h.name)!;
    const serially = async (ps: readonly Place[]) => {
      const m = new Map<Place, Outcome>();
      for (const p of ps) m.set(p, (await batch(h, v, [p])).get(p)!);
      return m;
    };
    const slots = places.filter((p) => p !== TITLE);
    const title = places.includes(TITLE);
    // What argv cannot carry reaches the sample app as an inventory var instead.
    const inv = title && !argvSafe(v) ? writeInventory(hosts, { name: `inventory-title-${h.name}`, hostVars: { webapp: { title: v } } }) : inventory;
    const args = [
      'run',
      fixture('hostile.ts'),
      '-i',
      inv,
      '--limit',
      h.name,
      '--json',
      '-e',
      `slots=${JSON.stringify(slots)}`,
      ...valueArgs(v),
      ...(!title ? ['--skip-tags', 'sample'] : argvSafe(v) ? ['-e', `title=${v}`] : []),
    ];
    await fresh(c);
    const r = await tsplay(args);
    const s = await gather(c);
    const escaped = escapes(s, v, slots);
    // Literal also means converged: the same run again must change nothing in those places.
    const again = r.code !== 1 && !escaped.length ? await tsplay(args) : undefined;
    await cleanup(c, s.newUsers);
    // Places whose resources throw when built are expected to stop the run (exit 1) together, touching nothing.
    if (expectRefusal && r.code === 1 && !escaped.length) return new Map(places.map((p) => [p, { kind: 'refused', why: firstError(r) }]));
    if (places.length > 1 && (r.code === 1 || escaped.length)) {
      if (process.env.TSPLAY_FAULT_VERBOSE)
        console.log(
          `      (${h.name}: one by one: ${JSON.stringify(v).slice(0, 40)} ${places.join(',')}: exit ${r.code}; ${escaped.join('; ').slice(0, 300)} ${r.code === 1 ? firstError(r) : ''})`,
        );
      return serially(places);
    }
    if (escaped.length) return new Map([[places[0]!, { kind: 'executed', why: escaped.join('; ') }]]);
    if (r.code === 1) return new Map([[places[0]!, { kind: 'refused', why: firstError(r) }]]);

    const out = new Map<Place, Outcome>();
    const unresolved: Place[] = [];
    for (const place of places) {
      const mine = isOf(place, v, h.name);
      const st = r.events.filter(mine) as { status?: string; error?: string }[];
      const failed = st.find((e) => e.status === 'failed');
      const rechanged = again?.events.filter((e) => mine(e) && e.status !== 'ok') ?? [];
      if (failed) out.set(place, { kind: 'refused', why: `the resource failed: ${String(failed.error ?? '').slice(0, 200)}` });
      else if (st.length === 0 || st.some((e) => e.status === 'skipped')) unresolved.push(place);
      else {
        const landed = LANDED[place](s, v);
        const converges = RERUNS_BY_DESIGN.includes(place) || rechanged.length === 0;
        out.set(
          place,
          landed.kind !== 'literal' || converges
            ? landed
            : mangled(`never converges: a second run reports ${rechanged.map((e) => `${String(e.resource)} ${String(e.status)}`).join(', ')}`),
        );
      }
    }
    if (unresolved.length && places.length === 1) out.set(places[0]!, mangled(`no result for its resources (${runAccount(r)})`));
    else if (unresolved.length) for (const [k, o] of await serially(unresolved)) out.set(k, o);
    return out;
  }

  async function oneValue(h: FaultHost, hv: HostileValue): Promise<void> {
    const v = hv.value;
    const refusing = PLACES.filter((p) => refuses(p, v));
    const landing = PLACES.filter((p) => !refusing.includes(p));
    const results = new Map<string, Outcome>();
    if (refusing.length) {
      // Every place that throws when built: one run that must exit 1 and touch nothing.
      for (const [k, o] of await batch(h, v, refusing, true)) results.set(k, o);
    }
    if (landing.length) for (const [k, o] of await batch(h, v, landing)) results.set(k, o);
    for (const [slot, o] of results) {
      count('hostileTried');
      const line = `${hv.name} (${JSON.stringify(v)}) -> ${slot}: ${o.kind}${o.why ? ` (${o.why})` : ''}`;
      count(COUNT[o.kind], 1, o.kind === 'executed' || o.kind === 'mangled' ? line : undefined);
      rows.push(line);
    }
  }

  it('no hostile value is executed or mangled: each lands literally or is refused', async () => {
    const { source, values: all } = await hostileValues();
    // TSPLAY_FAULT_VALUES=name,name replays just those rows.
    const only = process.env.TSPLAY_FAULT_VALUES?.split(',');
    const values = only ? all.filter((r) => only.includes(r.name)) : all;
    console.log(`      values: ${values.length} from ${source}; slots: ${SLOT_NAMES.length} + webapp.title; hosts: ${hosts.map((h) => h.name).join(', ')}`);
    // A queue, not a fixed share per host: a slow host takes fewer values.
    const queue = [...values];
    await Promise.all(
      hosts.map(async (h) => {
        for (let hv = queue.shift(); hv !== undefined; hv = queue.shift()) await oneValue(h, hv);
      }),
    );
    if (process.env.TSPLAY_FAULT_VERBOSE) for (const r of rows) console.log(`      ${r}`);
    console.log(
      `      ${countOf('hostileTried')} tried: ${countOf('hostileLiteral')} literal, ${countOf('hostileRefused')} refused, ${countOf('hostileExecuted')} executed, ${countOf('hostileMangled')} mangled`,
    );
    assert.equal(countOf('hostileExecuted'), 0, `executed:\n${rows.filter((r) => r.includes(': executed')).join('\n')}`);
    assert.equal(countOf('hostileMangled'), 0, `mangled:\n${rows.filter((r) => r.includes(': mangled')).join('\n')}`);
  });
});
