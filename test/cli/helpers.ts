/** Drive the real CLI entry (main) in-process against fake hosts, capturing what it prints. */
import { main } from '../../lib/cli/main.js';
import { TransportError } from '../../lib/core/errors.js';
import { FakeHost } from '../../lib/testing/index.js';
import { Collect } from '../report/helpers.js';

export const INVENTORY = 'test/fixtures/inventory/fake-web.ts';
export const SAMPLE = 'playbooks/sample.ts';

/** A fake host that can run the sample webapp role: python3 on offer, curl answering with the page. */
export function webHost(name: string): FakeHost {
  const h = name.startsWith('rhel') ? FakeHost.rhel(name) : FakeHost.debian(name);
  h.offer('python3', { version: '3.11.2-1' });
  h.script(/^curl /, () => ({ exitCode: 0, stdout: h.read('/srv/webapp/www/index.html') ?? '' }));
  return h;
}

export class Fleet {
  readonly hosts = new Map<string, FakeHost>();
  readonly connects: string[] = [];
  /** Names whose connect fails as an unreachable host would. */
  readonly down = new Set<string>();
  get(name: string): FakeHost {
    let h = this.hosts.get(name);
    if (!h) this.hosts.set(name, (h = webHost(name)));
    return h;
  }
}

export interface Ran {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function tsplay(fleet: Fleet, ...argv: string[]): Promise<Ran> {
  const stdout = new Collect();
  const stderr = new Collect();
  const code = await main(argv, {
    stdout,
    stderr,
    tty: false,
    connect: async (host) => {
      fleet.connects.push(host.name);
      if (fleet.down.has(host.name)) throw new TransportError(host.name, `cannot connect to root@${host.address}:22: connect ECONNREFUSED`);
      return fleet.get(host.name);
    },
  });
  return { code, out: stdout.plain, err: stderr.plain };
}
