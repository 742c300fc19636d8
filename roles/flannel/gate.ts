/**
 * flannel's gate (Kubespray's): /run/flannel/subnet.env exists, and its FLANNEL_SUBNET lies inside the
 * pod range (a subnet outside it means flanneld read another network config than ours).
 */
import { commandGate } from '../../lib/index.js';
import { topology } from '../cluster/index.js';
import { within } from './cidr.js';
import { SUBNET_ENV } from './config.js';
import type { FlannelVars } from './vars.js';

/** The KEY=value lines of subnet.env. Pure. */
export const parseEnv = (text: string): Record<string, string> =>
  Object.fromEntries(text.split('\n').flatMap((l) => (/^[A-Z_]+=/.test(l) ? [[l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]] : [])));

/** Throws unless subnet.env names a subnet inside the pod range. Pure. */
export function judgeSubnetEnv(text: string, podCidr: string): string {
  const env = parseEnv(text);
  const subnet = env['FLANNEL_SUBNET'];
  if (!subnet) throw new Error(`${SUBNET_ENV} has no FLANNEL_SUBNET`);
  if (!within(subnet, podCidr)) throw new Error(`FLANNEL_SUBNET ${subnet} is outside pod_cidr ${podCidr}`);
  if (env['FLANNEL_NETWORK'] && env['FLANNEL_NETWORK'] !== podCidr) throw new Error(`FLANNEL_NETWORK ${env['FLANNEL_NETWORK']} is not pod_cidr ${podCidr}`);
  return subnet;
}

export const subnetGate = commandGate<FlannelVars>({
  name: 'flannel subnet.env in pod_cidr',
  retries: 15,
  delayMs: 250,
  command: () => `cat ${SUBNET_ENV}`,
  judge(r, { cluster }) {
    if (r.exitCode !== 0) throw new Error(`${SUBNET_ENV} is missing: flanneld has no subnet yet (journalctl -u flanneld)`);
    judgeSubnetEnv(r.stdout, topology(cluster).podCidr);
  },
});
