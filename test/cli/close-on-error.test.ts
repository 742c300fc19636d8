/** Every connection a run opened is closed on every way out of the command, a throw included. */
import assert from 'node:assert/strict';
import { main } from '../../lib/cli/main.js';
import { Collect } from '../report/helpers.js';
import { Fleet, INVENTORY, SAMPLE } from './helpers.js';

/** stdout that breaks (as a closed pipe would) once hosts are connected: the error escapes the runner. */
class Breaks extends Collect {
  override write(chunk: unknown): boolean {
    if (/"kind":"(role-end|host-failed)"/.test(String(chunk))) throw new Error('write EPIPE');
    return super.write(chunk);
  }
}

describe('tsplay run: connections closed on every path', () => {
  it('a reporter that throws mid-run still closes every host it connected', async () => {
    const fleet = new Fleet();
    const closed: string[] = [];
    const stderr = new Collect();
    const code = await main(['run', SAMPLE, '-i', INVENTORY, '--json'], {
      stdout: new Breaks(),
      stderr,
      tty: false,
      connect: async (host) => {
        fleet.connects.push(host.name);
        const h = fleet.get(host.name);
        h.close = async () => void closed.push(host.name);
        return h;
      },
    });
    assert.equal(code, 1, stderr.plain);
    assert.match(stderr.plain, /write EPIPE/);
    assert.deepEqual(closed.sort(), [...fleet.connects].sort(), 'every connected host closed');
    assert.equal(closed.length, 3);
  });
});
