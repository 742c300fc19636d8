/**
 * webapp: the sample role (and the benchmark's "typical 20-operation role"): a system user, 4 directories,
 * config files, 2 sysctls, a hosts line, a package, a systemd unit and its service, a restart handler, and
 * a health gate that fetches the page it serves. Runs on Debian and RHEL-family hosts alike.
 */
import { commandGate, defineRole, directory, file, group, line, pkg, restart, service, sysctl, template, unit, user } from '../../lib/index.js';
import { appConf, escapeHtml, featureConf, indexHtml, unitFile } from './templates.js';
import { defaults, schema, type WebappVars } from './vars.js';

export type { WebappVars } from './vars.js';

export default defineRole<WebappVars>({
  name: 'webapp',
  tags: ['sample'],
  defaults,
  schema,
  resources: (v, host) => [
    pkg({ names: ['python3'] }),
    group({ name: v.user, system: true }),
    user({ name: v.user, system: true, home: v.root, shell: '/usr/sbin/nologin' }),
    directory({ path: v.root, mode: 0o755 }),
    directory({ path: `${v.root}/www`, mode: 0o755, owner: v.user, group: v.user }),
    directory({ path: '/etc/webapp', mode: 0o755 }),
    directory({ path: '/etc/webapp/conf.d', mode: 0o755 }),
    template({ path: '/etc/webapp/webapp.conf', render: () => appConf(v), mode: 0o644, notify: 'restart webapp' }),
    ...Object.entries(v.features).map(([name, on]) =>
      file({ path: `/etc/webapp/conf.d/${name}.conf`, content: featureConf(name, on), mode: 0o644, notify: 'restart webapp', tags: ['config'] }),
    ),
    template({ path: `${v.root}/www/index.html`, render: () => indexHtml(v, host.name), mode: 0o644, owner: v.user, group: v.user }),
    sysctl({ key: 'net.core.somaxconn', value: v.somaxconn }),
    sysctl({ key: 'net.ipv4.tcp_fin_timeout', value: 30 }),
    line({ path: '/etc/hosts', line: `127.0.1.1 webapp.local`, match: /\swebapp\.local$/ }),
    unit({ name: 'webapp.service', content: unitFile(v), notify: 'restart webapp' }),
    service({ name: 'webapp', enabled: true, state: 'started' }),
  ],
  handlers: () => ({ 'restart webapp': restart('webapp') }),
  verify: [
    commandGate<WebappVars>({
      name: 'serves its page',
      command: ({ vars }) => `curl -fsS --max-time 2 http://127.0.0.1:${vars.port}/`,
      judge(r, { vars }) {
        if (r.exitCode !== 0) throw new Error(`curl exited ${r.exitCode}: ${r.stderr.trim()}`);
        if (!r.stdout.includes(escapeHtml(vars.title))) throw new Error('the page does not show the configured title');
      },
    }),
  ],
});
