/** The webapp role's files, as typed functions of its vars: no template language to learn or escape. */
import { execLine, unitValue } from '../../lib/index.js';
import type { WebappVars } from './vars.js';

export const appConf = (v: WebappVars): string =>
  `# Managed by tsplay (role webapp); edits are overwritten.\nport = ${v.port}\nroot = ${v.root}/www\ntitle = ${JSON.stringify(v.title)}\n`;

/** One small drop-in per feature flag: the many-small-files shape that real roles have. */
export const featureConf = (name: string, on: boolean): string => `# Managed by tsplay (role webapp)\n${name} = ${on ? 'on' : 'off'}\n`;

export const indexHtml = (v: WebappVars, host: string): string =>
  `<!doctype html>\n<title>${escapeHtml(v.title)}</title>\n<h1>${escapeHtml(v.title)}</h1>\n<p>served by ${escapeHtml(host)}</p>\n`;

/** Every var goes through the systemd renderers: a title is text, never a setting of its own. */
export const unitFile = (v: WebappVars): string => `[Unit]
Description=${unitValue('webapp unit Description (var title)', `tsplay sample web app (${v.title})`)}
After=network.target

[Service]
User=${unitValue('webapp unit User (var user)', v.user)}
ExecStart=${execLine('webapp unit ExecStart', ['/usr/bin/python3', '-m', 'http.server', String(v.port), '--bind', v.bind, '--directory', `${v.root}/www`])}
Restart=on-failure

[Install]
WantedBy=multi-user.target
`;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
