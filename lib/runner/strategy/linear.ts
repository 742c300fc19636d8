import type { Strategy } from './types.js';

/** Ansible's linear: each role on every host of the batch at once, the next role only once all are done. */
export const linear: Strategy = async (r) => {
  for (const ri of r.roles) {
    const role = r.play.roles[ri]!;
    const on = r.batch.filter((h) => role.perHost.has(h.name) && !r.done(h));
    if (on.length === 0) continue;
    r.emit({ kind: 'role-start', play: r.play.play.name, role: role.name, hosts: on.map((h) => h.name) });
    await Promise.all(on.map((h) => r.limit(() => r.run(ri, h))));
    const why = r.mustAbort();
    if (why) return why;
  }
  return undefined;
};
