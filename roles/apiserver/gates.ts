/**
 * Health gates, in start order, asked on the host itself: the apiserver's /healthz and /readyz over TLS
 * verified against the cluster CA and authenticated with a client certificate (anonymous auth is off;
 * apiserver-kubelet-client is in system:masters), then the controller-manager's (:10257) and the
 * scheduler's (:10259) /healthz. Those two serve a self-signed certificate of their own and allow
 * /healthz to anyone (--authorization-always-allow-paths), so their gates skip verification (-k). Last,
 * the API through the cluster endpoint (the VIP): a load balancer sends traffic to a fresh apiserver only
 * once its own checks pass (haproxy: rise 2 x inter 5s), and what comes next (the nodes, CoreDNS, the smoke
 * test) reaches the API there.
 */
import type { Gate, GateContext } from '../../lib/index.js';
import { apiserverAddress, paths } from './flags.js';
import { topology } from '../cluster/index.js';
import type { ApiserverVars } from './vars.js';

const hostPort = (addr: string, port: number) => `${addr.includes(':') ? `[${addr}]` : addr}:${port}`;
/** Where a component bound to `bind` is reached from its own host. */
const local = (bind: string) => (bind === '0.0.0.0' ? '127.0.0.1' : bind === '::' ? '::1' : bind);

async function expectOk(ctx: GateContext<ApiserverVars>, what: string, command: string): Promise<void> {
  const r = await ctx.exec(command);
  if (r.exitCode !== 0) throw new Error(`${what}: curl exited ${r.exitCode}: ${r.stderr.trim() || r.stdout.trim()}`);
  if (r.stdout.trim() !== 'ok') throw new Error(`${what} answered ${JSON.stringify(r.stdout.trim().slice(0, 200))}, not "ok"`);
}

export function apiserverCurl(v: ApiserverVars, address: string, port: number, path: string): string {
  const p = paths(v);
  return `curl -sS --fail-with-body --max-time 3 --cacert ${p.ca} --cert ${p.kubeletClient[0]} --key ${p.kubeletClient[1]} https://${hostPort(local(address), port)}${path}`;
}

/** The same request to the cluster endpoint, a URL (https://VIP:6443, or the control-plane host's). */
export function endpointCurl(v: ApiserverVars, endpoint: string, path: string): string {
  const p = paths(v);
  return `curl -sS --fail-with-body --max-time 3 --cacert ${p.ca} --cert ${p.kubeletClient[0]} --key ${p.kubeletClient[1]} ${endpoint.replace(/\/$/, '')}${path}`;
}

export const insecureCurl = (bind: string, port: number): string => `curl -sS --fail-with-body --max-time 3 -k https://${hostPort(local(bind), port)}/healthz`;

export const gates: readonly Gate<ApiserverVars>[] = [
  {
    name: 'kube-apiserver /healthz and /readyz (client certificate, CA-verified)',
    retries: 20,
    async check(ctx) {
      const port = topology(ctx.cluster).apiserverPort;
      const addr = apiserverAddress(ctx.vars, ctx.host);
      await expectOk(ctx, 'kube-apiserver /healthz', apiserverCurl(ctx.vars, addr, port, '/healthz'));
      await expectOk(ctx, 'kube-apiserver /readyz', apiserverCurl(ctx.vars, addr, port, '/readyz'));
    },
  },
  {
    name: 'kube-controller-manager /healthz (:10257)',
    retries: 20,
    check: (ctx) => expectOk(ctx, 'kube-controller-manager /healthz', insecureCurl(ctx.vars.controller_manager_bind_address, 10257)),
  },
  {
    name: 'kube-scheduler /healthz (:10259)',
    retries: 20,
    check: (ctx) => expectOk(ctx, 'kube-scheduler /healthz', insecureCurl(ctx.vars.scheduler_bind_address, 10259)),
  },
  {
    name: 'the API answers through the cluster endpoint',
    retries: 20,
    async check(ctx) {
      const endpoint = topology(ctx.cluster).apiEndpoint;
      await expectOk(ctx, `${endpoint}/healthz`, endpointCurl(ctx.vars, endpoint, '/healthz'));
    },
  },
];
