/**
 * The restart handler. Every change that etcd reads only at start (env file, unit, certificates, binary)
 * notifies it.
 *
 * Not yet quorum-safe on changes to a running cluster: the runner runs a role's notified handlers on every
 * host of the play at once, so a config change restarts all members together (a short outage; the data
 * is safe, and the gate then waits for every member to be healthy again). First bootstrap is unaffected.
 * To restart one member at a time, only this file changes: when the runner can serialise a handler across
 * hosts, mark this one serial (max floor(n/2) at a time, Kubespray's throttle); until then a play can use
 * `serial: 1` for changes to a running cluster (never for the first bootstrap, whose members must start
 * together).
 */
import { restart, type Handler } from '../../lib/index.js';

export const RESTART = 'restart etcd';

export const handlers = (): Record<string, Handler> => ({ [RESTART]: restart('etcd') });
