/**
 * Moving a component between its systemd unit and its static pod, one control-plane host at a time.
 * Apply runs on every host at once, so nothing that stops or starts a component happens there: each
 * resource below only finds what differs (check mode tells the truth) and notifies a handler, and the
 * role's handlers run in turn (rolling), each host's gates passing before the next host starts.
 *
 * - static-pods: `static-pod:<c>` wants the manifest in the kubelet's staticPodPath with this content and
 *   the unit neither enabled nor running; its handler stops and disables the unit, then writes the
 *   manifest (the kubelet starts the pod; the gates wait for /healthz); a manifest there already (an
 *   upgrade's new image) is moved aside until the old pod's port is closed, then the new one written. A
 *   restart (a new certificate) moves the manifest aside, to a dot-file the kubelet does not read (file.go
 *   globs `[^.]*`), until the pod's port is closed, then back.
 * - systemd: the service resource (same id and changes as `service()` where no manifest is found) also
 *   looks for the component's manifest. Where one is found and the inventory names control_plane_mode
 *   "systemd", its handler removes the manifest, waits until the port is free and starts the unit; where
 *   the inventory does not name the mode, the host is refused with why (an inventory that dropped the var
 *   would otherwise fight the kubelet for the port).
 */
import { defineResource, q, service, TEXT_LIMIT, unitName, type Action, type AnyResource, type Change } from '../../lib/index.js';
import type { ControlPlaneComponent } from './units.js';

export const placeOf = (c: ControlPlaneComponent): string => `move ${c} to its static pod`;
export const unplaceOf = (c: ControlPlaneComponent): string => `move ${c} to its unit`;

const ON = new Set(['enabled', 'enabled-runtime']);
const RUNNING = new Set(['active', 'activating', 'reloading']);

/** Waits (up to 60 s) until nothing listens on `port`, else fails saying so. */
const untilPortFree = (port: number, what: string) =>
  `i=0; while ss -Hltn 'sport = :${port}' | grep -q .; do i=$((i+1)); if [ $i -ge 120 ]; then echo "${what}: port ${port} still in use after 60 s" >&2; exit 1; fi; sleep 0.5; done`;

export interface StaticPodOptions {
  readonly component: ControlPlaneComponent;
  readonly manifestDir: string;
  readonly content: string;
  readonly tags?: readonly string[];
}

export const manifestPath = (dir: string, c: ControlPlaneComponent): string => `${dir.replace(/\/+$/, '')}/${c}.yaml`;

export function staticPod(o: StaticPodOptions): AnyResource {
  const path = manifestPath(o.manifestDir, o.component);
  const name = unitName(o.component);
  return defineResource({
    id: `static-pod:${o.component}`,
    tags: o.tags,
    notify: [placeOf(o.component)],
    reads: [`path:${path}`, `unit:${name}`, `service:${name}`],
    writes: [`path:${path}`, `service:${name}`],
    queries: [q.file(path, { content: TEXT_LIMIT }), q.unit(name)],
    check([f, u]) {
      const out: Change[] = [];
      if (!f.exists || f.content !== o.content) out.push({ field: 'content', diff: { before: f.content ?? '', after: o.content } });
      if (ON.has(u.enabled)) out.push({ field: 'unit enabled', before: u.enabled, after: 'disabled' });
      if (RUNNING.has(u.active)) out.push({ field: 'unit state', before: u.active, after: 'stopped' });
      return out;
    },
    // The move itself is the handler's (rolling); apply only makes sure the kubelet's directory is there.
    apply: () => [{ a: 'mkdir', path: o.manifestDir, mode: 0o700 }],
  });
}

/**
 * The handler that moves a component onto its static pod: unit stopped and disabled, then the manifest. A
 * manifest already there (a new image, new flags) goes aside first until the kubelet stopped the old pod
 * (its port closed), as kubeadm's upgrade waits for the old pod to go: the gates after then ask the new
 * pod, never the old one still serving. A wait that fails puts the old manifest back.
 */
export function placeHandler(o: StaticPodOptions & { readonly port: number }): readonly Action[] {
  const unit = unitName(o.component);
  const path = manifestPath(o.manifestDir, o.component);
  const aside = `${o.manifestDir.replace(/\/+$/, '')}/.${o.component}.yaml.replacing`;
  return [
    { a: 'command', command: `if systemctl cat ${unit} >/dev/null 2>&1; then systemctl disable --now ${unit}; fi` },
    { a: 'mkdir', path: o.manifestDir, mode: 0o700 },
    {
      a: 'command',
      command: `if [ -f ${path} ]; then mv -f -- ${path} ${aside} && ( ${untilPortFree(o.port, `replacing the ${o.component} static pod`)} ) || { rc=$?; mv -f -- ${aside} ${path}; exit $rc; }; rm -f -- ${aside}; fi`,
    },
    { a: 'write', path, content: o.content, mode: 0o600 },
  ];
}

/** A static pod's restart: its manifest aside until the kubelet stopped the pod (the port is closed), then back. */
export function bounceHandler(o: { component: ControlPlaneComponent; manifestDir: string; port: number }): readonly Action[] {
  const path = manifestPath(o.manifestDir, o.component);
  const aside = `${o.manifestDir.replace(/\/+$/, '')}/.${o.component}.yaml.restarting`;
  return [
    {
      a: 'command',
      // A subshell: the wait's exit must not skip putting the manifest back.
      command: `if [ -f ${path} ]; then mv -f -- ${path} ${aside} && ( ${untilPortFree(o.port, `restart of the ${o.component} static pod`)} ); rc=$?; mv -f -- ${aside} ${path}; exit $rc; fi`,
    },
  ];
}

/**
 * The handler that moves a component back onto its unit: manifest removed, port free, unit started. Only
 * where a manifest is there: the service resource notifies it on any start (a fresh host's first included).
 */
export function unplaceHandler(o: { component: ControlPlaneComponent; manifestDir: string; port: number }): readonly Action[] {
  const unit = unitName(o.component);
  const path = manifestPath(o.manifestDir, o.component);
  return [
    {
      a: 'command',
      command: `if [ -f ${path} ]; then rm -f -- ${path} && { ${untilPortFree(o.port, `${o.component} static pod`)}; } && systemctl enable ${unit} && systemctl restart ${unit}; fi`,
    },
  ];
}

/**
 * The unit's service (enabled, started), which in systemd mode also looks for a manifest of the component
 * left by static-pods mode: where the mode is named, that is a move back (handler unplaceOf); where it is
 * not, the host is refused before anything changes.
 */
export function unitService(o: { component: ControlPlaneComponent; manifestDir: string; modeNamed: boolean; tags?: readonly string[] }): AnyResource {
  const svc = service({ name: o.component, enabled: true, state: 'started', ...(o.tags ? { tags: o.tags } : {}) });
  const path = manifestPath(o.manifestDir, o.component);
  return defineResource({
    ...svc,
    ...(o.modeNamed ? { notify: [unplaceOf(o.component)] } : {}),
    reads: [...(svc.reads ?? []), `path:${path}`],
    queries: [...svc.queries, q.file(path)],
    check(answers, facts) {
      const [u, m] = answers;
      if (!m.exists) return svc.check([u], facts);
      if (!o.modeNamed)
        throw new Error(
          `${o.component} runs as a static pod here (${path}) but control_plane_mode is not named in the inventory: set control_plane_mode: 'systemd' in its global vars to move it back to its unit one host at a time, or 'static-pods' to keep it`,
        );
      return [{ field: 'static pod', before: path, after: unitName(o.component) }];
    },
    apply(answers, facts, changes) {
      const [u, m] = answers;
      // The move is the handler's (rolling): starting the unit now would fight the pod for its port.
      if (m.exists) return [{ a: 'systemctl', verb: 'daemon-reload' }];
      return svc.apply([u], facts, changes);
    },
  });
}
