/**
 * Every host driver a command opened, so that it closes them all on every path: a run that ends, a throw
 * out of the runner or a reporter, a connect that resolves after the run gave up on it. An open SSH
 * connection keeps the process alive, so a driver left open is a command that never exits.
 */
import type { HostDriver } from '../core/driver.js';
import type { Host } from '../core/model.js';

export interface OpenedDrivers {
  readonly connect: (host: Host) => Promise<HostDriver>;
  /** Close every driver opened so far (closing twice is harmless); never rejects. */
  closeAll(): Promise<void>;
}

export function openedDrivers(connect: (host: Host) => Promise<HostDriver>): OpenedDrivers {
  const opened: Promise<HostDriver>[] = [];
  return {
    connect: (host) => {
      const d = connect(host);
      opened.push(d);
      return d;
    },
    closeAll: async () => {
      await Promise.all(opened.map((d) => d.then((x) => x.close()).catch(() => undefined)));
    },
  };
}
