/** Test helpers: a temp pki dir, a snapshot of its files, and openssl/kubectl runners. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-pki-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every file under dir with content, mode and mtime: equal snapshots mean nothing was touched. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out[relative(dir, p)] = `${(st.mode & 0o777).toString(8)} ${st.mtimeMs} ${readFileSync(p, 'utf8')}`;
    }
  };
  walk(dir);
  return out;
}

export const run = (cmd: string, args: readonly string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** openssl x509 text of the extensions we check, one field per key. */
export function opensslFields(cert: string): { subject: string; san: string; ku: string; eku: string; bc: string } {
  const out = run('openssl', [
    'x509',
    '-in',
    cert,
    '-noout',
    '-subject',
    '-nameopt',
    'compat',
    '-ext',
    'subjectAltName,keyUsage,extendedKeyUsage,basicConstraints',
  ]);
  const after = (title: string) => out.match(new RegExp(`${title}:[^\\n]*\\n\\s+([^\\n]*)`))?.[1]?.trim() ?? '';
  return {
    subject: out.match(/^subject=(.*)$/m)![1]!.trim(),
    san: after('X509v3 Subject Alternative Name'),
    ku: after('X509v3 Key Usage'),
    eku: after('X509v3 Extended Key Usage'),
    bc: after('X509v3 Basic Constraints'),
  };
}
