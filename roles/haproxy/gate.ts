/** The haproxy gate: the process answers its monitor URI and listens on the API frontend. */
import type { Gate } from '../../lib/index.js';
import type { HaproxyVars } from './vars.js';

export const listenCommand = (v: HaproxyVars): string => `ss -Hltn 'sport = :${v.apiserver_port}'`;

export const healthCommand = (v: HaproxyVars): string => `curl -fsS --max-time 2 -o /dev/null http://127.0.0.1:${v.haproxy_health_port}/healthz`;

export const servesGate: Gate<HaproxyVars> = {
  name: 'haproxy answers and listens on the API port',
  retries: 10,
  async check({ exec, vars }) {
    const h = await exec(healthCommand(vars));
    if (h.exitCode !== 0) throw new Error(`GET http://127.0.0.1:${vars.haproxy_health_port}/healthz failed (curl exited ${h.exitCode}): ${h.stderr.trim()}`);
    const l = await exec(listenCommand(vars));
    if (l.exitCode !== 0 || l.stdout.trim() === '') throw new Error(`nothing listens on port ${vars.apiserver_port}`);
  },
};
