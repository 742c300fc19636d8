/** kube-proxy's health gate: http://127.0.0.1:10256/healthz answers 200 (RKE's check). */
import { commandGate } from '../../lib/index.js';
import type { KubeProxyVars } from './vars.js';

export const healthzCommand = (v: KubeProxyVars): string =>
  `curl -sS --max-time 3 -o /dev/null -w '%{http_code}' http://127.0.0.1:${v.kube_proxy_healthz_port}/healthz`;

export const healthzGate = commandGate<KubeProxyVars>({
  name: 'kube-proxy /healthz',
  retries: 15,
  delayMs: 250,
  timeoutMs: 10_000,
  command: ({ vars }) => healthzCommand(vars),
  judge(r, { vars }) {
    if (r.exitCode !== 0)
      throw new Error(
        `127.0.0.1:${vars.kube_proxy_healthz_port}/healthz: ${r.stderr.trim().split('\n').pop() || `curl exited ${r.exitCode}`} (journalctl -u kube-proxy)`,
      );
    if (r.stdout.trim() !== '200')
      throw new Error(`/healthz answered HTTP ${r.stdout.trim()}, not 200 (kube-proxy has not synced its rules with the API yet?)`);
  },
});
