/**
 * Kubeconfig files with the CA, client certificate and key embedded (one self-contained file per
 * identity, nothing to keep in sync on the host). The text is a pure function of its inputs, so
 * "up to date" is a string comparison with what is on disk.
 */
import { rememberSecret } from '../../../lib/index.js';
import { stringify } from 'yaml';

export interface KubeconfigInput {
  readonly clusterName: string;
  readonly server: string;
  /** The client certificate's CN: the user name the apiserver sees. */
  readonly user: string;
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

export function kubeconfig(k: KubeconfigInput): string {
  const keyData = b64(k.keyPem);
  rememberSecret(keyData);
  const context = `${k.user}@${k.clusterName}`;
  return stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: k.clusterName, cluster: { 'certificate-authority-data': b64(k.caPem), server: k.server } }],
      users: [{ name: k.user, user: { 'client-certificate-data': b64(k.certPem), 'client-key-data': keyData } }],
      contexts: [{ name: context, context: { cluster: k.clusterName, user: k.user } }],
      'current-context': context,
      preferences: {},
    },
    { lineWidth: 0 },
  );
}
