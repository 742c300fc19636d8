/**
 * The KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) the scheduler reads with --config.
 * Why a file: `--kubeconfig` is deprecated upstream and ignored once --config is given, so the client
 * connection and leader election live here; the serving and delegated-auth flags stay flags (flags.ts).
 */
import { stringify } from 'yaml';
import { paths } from './flags.js';
import type { ApiserverVars } from './vars.js';

export const schedulerConfigPath = (v: ApiserverVars): string => `${v.k8s_config_dir}/kube-scheduler.yaml`;

export function schedulerConfiguration(v: ApiserverVars): Record<string, unknown> {
  return {
    apiVersion: 'kubescheduler.config.k8s.io/v1',
    kind: 'KubeSchedulerConfiguration',
    clientConnection: { kubeconfig: paths(v).schedulerConf },
    leaderElection: { leaderElect: true },
    ...v.scheduler_extra_config,
  };
}

export const schedulerConfigYaml = (v: ApiserverVars): string =>
  `# Managed by tsplay (role apiserver); edits here are overwritten.\n${stringify(schedulerConfiguration(v))}`;
