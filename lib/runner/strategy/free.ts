import type { Strategy } from './types.js';

/**
 * Ansible's free: each host goes through the roles on its own. The failure policy is checked after every
 * role: once it says stop, no host starts another role (hosts waiting for a fork included).
 */
export const free: Strategy = async (r) => {
  let why: string | undefined;
  await Promise.all(
    r.batch.map((h) =>
      r.limit(async () => {
        for (let i = 0; i < r.roles.length && !why; i++) {
          const ri = r.roles[i]!;
          const role = r.play.roles[ri]!;
          if (role.perHost.has(h.name) && !r.done(h)) r.emit({ kind: 'role-start', play: r.play.play.name, role: role.name, hosts: [h.name] });
          await r.run(ri, h);
          why ??= r.mustAbort();
        }
      }),
    ),
  );
  return why;
};
