/** webapp-reset: undo the webapp role (service stopped, files, user and group gone), so a lab host is fresh again. */
import { absent, defineRole, group, line, service, user } from '../../lib/index.js';
import { defaults, schema, type WebappVars } from './vars.js';

export default defineRole<WebappVars>({
  name: 'webapp-reset',
  tags: ['sample'],
  defaults,
  schema,
  resources: (v) => [
    service({ name: 'webapp', enabled: false, state: 'stopped' }),
    absent({ path: '/etc/systemd/system/webapp.service' }),
    absent({ path: '/etc/webapp' }),
    absent({ path: v.root }),
    absent({ path: '/etc/sysctl.d/90-tsplay-net.core.somaxconn.conf' }),
    absent({ path: '/etc/sysctl.d/90-tsplay-net.ipv4.tcp_fin_timeout.conf' }),
    line({ path: '/etc/hosts', line: '127.0.1.1 webapp.local', match: /\swebapp\.local$/, state: 'absent' }),
    user({ name: v.user, state: 'absent' }),
    group({ name: v.user, state: 'absent' }),
  ],
});
