/**
 * The restart handler. Every change that etcd reads only at start (env file, unit, certificates, binary)
 * notifies it. The role is `rolling` (index.ts): the runner runs this handler and then the health gate
 * on one member at a time, so a config change never takes down the quorum, while applying (and the
 * first start of a new cluster, whose members must start together) stays parallel. Never put the etcd
 * play under `serial`: a new cluster's first member would wait alone for a quorum.
 */
import { restart, type Handler } from '../../lib/index.js';

export const RESTART = 'restart etcd';

export const handlers = (): Record<string, Handler> => ({ [RESTART]: restart('etcd') });
