/** sudo refusing the become password fails the host (exit bit 2): it was reached, so it is not unreachable. */
import assert from 'node:assert/strict';
import { main } from '../../lib/cli/main.js';
import { BecomeError } from '../../lib/core/errors.js';
import { Collect } from '../report/helpers.js';
import { Fleet, INVENTORY, SAMPLE } from './helpers.js';

describe('tsplay run: a refused become password', () => {
  it('is a failed host, exit 2, with what sudo refused', async () => {
    const fleet = new Fleet();
    const stdout = new Collect();
    const stderr = new Collect();
    const code = await main(['run', SAMPLE, '-i', INVENTORY, '--limit', 'web-1'], {
      stdout,
      stderr,
      tty: false,
      connect: async (host) => {
        const h = fleet.get(host.name);
        h.query = () => Promise.reject(new BecomeError(host.name, 'deploy', `sudo refused the become password for user deploy on host ${host.name}`));
        return h;
      },
    });
    assert.equal(code, 2, stdout.plain);
    assert.match(stderr.plain, /FAILED \[web-1\] sudo refused the become password for user deploy on host web-1/);
    assert.match(stdout.plain, /web-1\s+ok=0\s+changed=0\s+failed=1\s+unreachable=0/);
  });
});
