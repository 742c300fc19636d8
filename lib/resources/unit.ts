/**
 * unit: a systemd unit file in /etc/systemd/system. systemd reads unit files only on daemon-reload, so
 * the write carries one - and only when the file changed, keeping a converged run free of reloads.
 */
import type { FileState } from '../core/ops.js';
import { defineResource, type Resource } from '../core/resource.js';
import { meta, shown, type Common } from './common.js';
import { managedFile } from './managed-file.js';
import { checkUnitText } from './systemd-syntax.js';

export interface UnitOptions extends Common {
  readonly name: string;
  readonly content: string;
}

/** `etcd` -> `etcd.service`; names with a unit suffix stay as they are. */
export function unitName(name: string): string {
  // systemd's alphabet and its 255-character limit (UNIT_NAME_MAX, with room for a `.service` suffix).
  if (!/^[a-zA-Z0-9:_.@\\-]{1,247}$/.test(name))
    throw new Error(`invalid systemd unit name ${shown(name)} (letters, digits and ":_.@\\-", at most 247 characters)`);
  return /\.(service|socket|timer|target|mount|path|slice|scope|device|swap|automount)$/.test(name) ? name : `${name}.service`;
}

export function unit(o: UnitOptions): Resource<[FileState]> {
  const name = unitName(o.name);
  checkUnitText(`unit ${name}`, o.content);
  const path = `/etc/systemd/system/${name}`;
  const m = managedFile({ path, content: o.content, mode: 0o644, ...(o.secret ? { secret: true } : {}) });
  return defineResource<[FileState]>({
    ...meta(`unit:${name}`, o, [`path:${path}`], [`path:${path}`, `unit:${name}`]),
    queries: [m.query],
    check: ([have]) => m.check(have),
    apply(_a, _f, changes) {
      const rewritten = changes.some((c) => c.field === 'content' || c.field === 'state');
      return [...m.apply(changes), ...(rewritten ? [{ a: 'systemctl', verb: 'daemon-reload' } as const] : [])];
    },
  });
}
