import assert from 'node:assert/strict';
import { allPackages, RECIPE, recipeHash, setupScript } from '../../lib/lab/recipe.js';

describe('lab image recipe', () => {
  it('hashes stably and changes with any package or step', () => {
    assert.match(recipeHash(RECIPE), /^[0-9a-f]{12}$/);
    assert.equal(recipeHash(RECIPE), recipeHash({ ...RECIPE }));
    assert.notEqual(recipeHash({ ...RECIPE, extra: [...RECIPE.extra, 'jq'] }), recipeHash(RECIPE));
    assert.notEqual(recipeHash({ ...RECIPE, steps: [...RECIPE.steps, 'true'] }), recipeHash(RECIPE));
  });

  it('holds what the roles need, so hosts need no network', () => {
    for (const p of [
      'openssh-server',
      'systemd-sysv',
      'python3',
      'etcd-server',
      'etcd-client',
      'haproxy',
      'keepalived',
      'firewalld',
      'containerd',
      'runc',
      'containernetworking-plugins',
      'kubernetes-client',
      'conntrack',
      'socat',
    ])
      assert.ok(allPackages(RECIPE).includes(p), p);
  });

  it('installs with services blocked, disables role services and enables networkd and ssh', () => {
    const s = setupScript(RECIPE);
    const at = (t: string) => s.indexOf(t);
    assert.ok(at('policy-rc.d') < at('apt-get install'), 'services blocked before install');
    assert.ok(at('systemctl disable etcd ') > at('apt-get install'));
    assert.match(s, /systemctl enable systemd-networkd\n/);
    assert.match(s, /rm -f \/usr\/sbin\/policy-rc\.d\n$/);
  });
});
