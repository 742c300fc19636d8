/** The command line: commands, options and a --help that teaches by example. */
import { Argument, Command, Option } from 'commander';
import { addConnectionOptions, type ConnectionFlags } from './connection-flags.js';
import { nameList, nonEmpty, wholeNumber } from './option-values.js';

export interface RunFlags extends ConnectionFlags {
  inventory: string;
  check?: boolean;
  diff?: boolean;
  tags?: string[];
  skipTags?: string[];
  limit?: string;
  forks?: number;
  extraVar: string[];
  listTasks?: boolean;
  listHosts?: boolean;
  listTags?: boolean;
  verify?: boolean;
  json?: boolean;
  verbose: number;
  lockTimeout: number;
  retryFile?: string;
  report?: string;
  startAt?: string;
  planOut?: string;
  plan?: string;
  vaultPasswordFile?: string;
  artifactMirror?: string;
  serveArtifacts?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

const RUN_EXAMPLES = `
Examples:
  tsplay run playbooks/site.ts -i inventory/lab.ts                 converge every host
  tsplay run playbooks/site.ts -i inventory/prod.ts --check --diff dry run: what would change, with diffs
  tsplay run playbooks/site.ts -i inventory/prod.ts --tags etcd    only the etcd role (and resources tagged etcd)
  tsplay run playbooks/site.ts -i inventory/prod.ts --limit 'workers:!worker-3' --forks 20
  tsplay run playbooks/site.ts -i inventory/prod.ts -e etcd_version=3.5.12
  tsplay run playbooks/site.ts -i inventory/prod.ts -e @vars/prod.yml -e @vars/override.json -e etcd_version=3.5.12
  tsplay run playbooks/site.ts -i inventory/prod.ts --list-tasks   show what would run, touch nothing
  tsplay run playbooks/site.ts -i inventory/prod.ts --start-at kube-apiserver   resume where a run stopped
  tsplay run playbooks/site.ts -i inventory/prod.ts --limit @.tsplay/retry/site.retry   only the hosts that failed last time
  tsplay run playbooks/site.ts -i hosts.ini -u deploy --private-key ~/.ssh/deploy -K    an Ansible inventory, sudo password asked

Host patterns (plays' "hosts" and --limit): a group or host name, globs (web-*), a:b (union),
a:&b (intersection), a:!b (exclusion).

Check mode touches nothing: every resource reads its state and reports what it would change. A change
whose outcome depends on an earlier would-change is marked, because check mode cannot know its result.

Artifact mirror: the inventory var artifact_mirror (global, a group's or a host's vars; false for none)
makes those hosts fetch release binaries themselves from <url>/sha256/<hex>, verified on the host, over
SSH when they cannot. -e artifact_mirror=URL overrides it for every host; --artifact-mirror URL and
--serve-artifacts ADDR:PORT override both.

Exit code: 0 ok, bit 1 usage or configuration error, bit 2 a host failed, bit 4 a host was unreachable.`;

const APPLY_HELP = `
Examples:
  tsplay run playbooks/site.ts -i inventory/prod.ts --check --plan-out plan.json   plan: touch nothing, record
  tsplay apply plan.json                                                           apply exactly that plan
  tsplay apply plan.json -e @vars/prod.yml        a plan made with -e: the same -e again (only a digest is kept)

The plan file names the playbook and inventory (absolute paths) and the options that chose what it planned
(--limit, --tags, --skip-tags, --start-at, -u, --private-key, -K). apply refuses the whole run when the
playbook, the inventory, the -e vars or tsplay's version differ from the plan's, and refuses, per host and
naming the resource, wherever a host's state drifted since the plan; elsewhere it does the planned actions
and nothing more.`;

const INIT_HELP = `
Examples:
  tsplay init my-infra            a new project; then: cd my-infra && npm install && npm test
  tsplay init . --force           into the current (non-empty) directory

The project depends on this tsplay (a file: dependency on its package root: npm install links it, offline).
Its npm test runs the motd role on a fake Debian host with node --test, no host reached.`;

export function buildProgram(onRun: (playbook: string, flags: RunFlags) => Promise<void>): Command {
  const program = new Command('tsplay')
    .description('A typed, fast, Ansible-style playbook runner: roles are TypeScript, hosts are reached over SSH.')
    .showHelpAfterError('(run with --help for usage)');
  const run = program
    .command('run')
    .description('converge the hosts of an inventory to the state a playbook describes')
    .argument('<playbook>', 'playbook module (.ts) whose default export is definePlaybook(...)')
    .requiredOption('-i, --inventory <file>', 'inventory module (.ts) whose default export is defineInventory(...)')
    .option('-C, --check', 'dry run: report what would change, change nothing')
    .option('-D, --diff', 'show diffs of what changes (always on in check mode)')
    .option('-t, --tags <tags>', 'only roles and resources with one of these tags (comma-separated, repeatable)', nameList('--tags'))
    .option('--skip-tags <tags>', 'leave out roles and resources with one of these tags', nameList('--skip-tags'))
    .option('-l, --limit <pattern>', 'only hosts matching this pattern', nonEmpty('--limit', 'a host pattern'))
    .option('-f, --forks <n>', 'hosts worked on at once (default: all)', wholeNumber('--forks', 1))
    .option(
      '-e, --extra-var <key=value|@file>',
      "override a role var for this run, or every var of a .yml/.json file (repeatable, a later one wins; typed as the role's default)",
      collect,
      [],
    )
    .option('--start-at <role>', 'resume at this role: leave out the plays and roles before its first use', nonEmpty('--start-at', 'a role name'))
    .option(
      '--plan-out <file>',
      'with --check: write what was seen and would be done, per host and resource, to this plan file (0600)',
      nonEmpty('--plan-out', 'a file'),
    )
    .option('--plan <file>', 'apply exactly what this plan file recorded; refuse any host whose state drifted since', nonEmpty('--plan', 'a file'))
    .option(
      '--vault-password-file <file>',
      'passphrase of age-encrypted -e @files (else $TSPLAY_VAULT_PASSWORD, else asked)',
      nonEmpty('--vault-password-file', 'a file'),
    )
    .option('--verify', "run every role's health gates, also on hosts where nothing changed")
    .option(
      '--artifact-mirror <url>',
      "every host fetches artifacts itself from this HTTP server (<url>/sha256/<hex>, verified on the host; SSH when unreachable), over the inventory's artifact_mirror and -e",
      nonEmpty('--artifact-mirror', 'a URL'),
    )
    .option(
      '--serve-artifacts <addr:port>',
      "serve the controller's verified artifact cache on this address for the run; every host fetches from it, as with --artifact-mirror",
      nonEmpty('--serve-artifacts', 'an address:port'),
    )
    .option('--list-tasks', 'list the resources each role would run, then exit')
    .option('--list-hosts', 'list the hosts each play would run on, then exit')
    .option('--list-tags', 'list every tag, then exit')
    .option('--json', 'write events as JSON lines to stdout instead of the console report')
    .option(
      '--report <file>',
      'also write a self-contained HTML report of the run (timeline, diffs, failures, totals) to this file',
      nonEmpty('--report', 'a file'),
    )
    .option('-v, --verbose', 'more output: -v shows unchanged resources and gate retries', (_v, n: number) => n + 1, 0)
    .option(
      '--retry-file <file>',
      'where to list the hosts that failed or were unreachable, for --limit @FILE (default: .tsplay/retry/PLAYBOOK.retry)',
      nonEmpty('--retry-file', 'a file'),
    )
    .addOption(
      new Option('--lock-timeout <seconds>', 'wait this long for a host another tsplay run holds, then fail it naming the holder')
        .default(60)
        .argParser(wholeNumber('--lock-timeout', 0)),
    )
    .addHelpText('after', RUN_EXAMPLES)
    .hook('preAction', async (cmd) => (await import('./extra-vars.js')).openVaultVars(cmd.opts<RunFlags>()))
    .action(onRun);
  addConnectionOptions(run);
  const apply = program
    .command('apply')
    .description('apply a plan file exactly: the playbook, inventory and options it was made with (tsplay run ... --check --plan-out FILE)')
    .argument('<plan>', 'the plan file')
    .option('-e, --extra-var <key=value|@file>', 'the -e vars the plan was made with (kept there as a digest only), repeatable', collect, [])
    .option('--vault-password-file <file>', 'passphrase of age-encrypted -e @files', nonEmpty('--vault-password-file', 'a file'))
    .option('-D, --diff', 'show diffs of what changes')
    .option('-f, --forks <n>', 'hosts worked on at once (default: all)', wholeNumber('--forks', 1))
    .option('--json', 'write events as JSON lines to stdout instead of the console report')
    .option('--report <file>', 'also write a self-contained HTML report of the run to this file', nonEmpty('--report', 'a file'))
    .option('-v, --verbose', 'more output', (_v, n: number) => n + 1, 0)
    .option('--retry-file <file>', 'where to list the hosts that failed or were unreachable', nonEmpty('--retry-file', 'a file'))
    .addOption(
      new Option('--lock-timeout <seconds>', 'wait this long for a host another tsplay run holds').default(60).argParser(wholeNumber('--lock-timeout', 0)),
    )
    .addHelpText('after', APPLY_HELP)
    .hook('preAction', async (cmd) => (await import('./extra-vars.js')).openVaultVars(cmd.opts<RunFlags>()))
    .action(async (plan: string, flags) => {
      // The plan names the playbook and the run's options; run --plan does the rest (apply-cmd.ts).
      const a = (await import('./apply-cmd.js')).applyFlags(plan, flags);
      await onRun(a.playbook, a.flags);
    });
  addConnectionOptions(apply);
  program
    .command('init')
    .description('scaffold a project: package.json, tsconfig.json, an inventory, a playbook, a role and its fake-host test')
    .argument('<dir>', 'the new project directory (missing or empty)')
    .option('--force', "write into a non-empty directory (replacing only the scaffold's files)")
    .addHelpText('after', INIT_HELP)
    .action(async (dir: string, flags: { force?: boolean }) =>
      (await import('./init-cmd.js')).initCommand({ dir, force: flags.force === true, out: process.stdout }),
    );
  program
    .command('vault')
    .description('encrypt, decrypt, edit or view a vars file with a passphrase (age format, armored: `age -d` reads it)')
    .addArgument(new Argument('<action>', 'encrypt, decrypt, edit ($EDITOR) or view (to stdout)').choices(['encrypt', 'decrypt', 'edit', 'view']))
    .argument('<file>', 'the vars file (.yml/.json), replaced atomically')
    .option(
      '--vault-password-file <file>',
      'read the passphrase from this file (else $TSPLAY_VAULT_PASSWORD, else asked)',
      nonEmpty('--vault-password-file', 'a file'),
    )
    .action(async (action, file, flags) => (await import('./vault-cmd.js')).vaultCommand({ action, file, flags }));
  program
    .command('warm')
    .description('the warm connection daemon that --warm (TSPLAY_WARM=1) runs use: what it holds, or stop it')
    .addArgument(new Argument('<action>', 'status or stop').choices(['status', 'stop']))
    .action(async (action) => (await import('./warm-cmd.js')).warmCommand(action, process.stdout));
  return program;
}
