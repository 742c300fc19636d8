/** The kubelet's health gate: http://127.0.0.1:10248/healthz answers "ok" (RKE's and Kubespray's check). */
import { commandGate } from '../../lib/index.js';
import type { KubeletVars } from './vars.js';

export const healthzCommand = (v: KubeletVars): string => `curl -sS --max-time 3 http://127.0.0.1:${v.kubelet_healthz_port}/healthz`;

export const healthzGate = commandGate<KubeletVars>({
  name: 'kubelet /healthz',
  retries: 15,
  delayMs: 250,
  timeoutMs: 10_000,
  command: ({ vars }) => healthzCommand(vars),
  judge(r, { vars }) {
    if (r.exitCode !== 0)
      throw new Error(
        `127.0.0.1:${vars.kubelet_healthz_port}/healthz: ${(r.stderr || r.stdout).trim().split('\n').pop() || `curl exited ${r.exitCode}`} (journalctl -u kubelet)`,
      );
    if (r.stdout.trim() !== 'ok') throw new Error(`/healthz answered ${JSON.stringify(r.stdout.trim().slice(0, 200))}, not "ok"`);
  },
});
