/**
 * A Kubespray-style project in `dir` for the e2e tests that read Ansible inventories: the INI inventory,
 * and the lab's settings (stand-in releases, the PKI dir, what the lab's kernel allows) in
 * group_vars/all.json beside it, where a Kubespray user keeps theirs. Returns the inventory's path.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STANDIN_API_LIMITS } from '../fixtures/standins/limits.js';
import { packStandins } from '../fixtures/standins/pack.js';

export function writeKubesprayProject(dir: string, clusterName: string, inventoryIni: string): string {
  const inventory = join(dir, 'inventory.ini');
  writeFileSync(inventory, inventoryIni);
  mkdirSync(join(dir, 'group_vars'));
  const vars = {
    cluster_name: clusterName,
    pki_dir: join(dir, 'pki'),
    cgroup_driver: 'cgroupfs',
    runtime_snapshotter: 'native',
    k8s_artifacts: packStandins(join(dir, 'standins')).overrides,
    ...STANDIN_API_LIMITS,
  };
  writeFileSync(join(dir, 'group_vars', 'all.json'), JSON.stringify(vars, null, 2));
  return inventory;
}
