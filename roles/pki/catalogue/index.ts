/**
 * roles/pki/catalogue: the Kubernetes certificate catalogue (product, not engine: it uses tsplay's public
 * API like any role), the cluster's PKI made on the controller in-process. CAs (kubernetes, etcd,
 * front-proxy), per-component certificates, the service-account key pair and kubeconfigs, kept in a local pki
 * directory and reused as long as they are still right (see evaluate.ts for the rule).
 *
 * Why this X.509 stack: node:crypto makes the keys (ECDSA P-256 by default, RSA-2048 on the libuv pool
 * in parallel) and makes every signature natively. Certificates are encoded with @peculiar/asn1-x509,
 * the typed ASN.1 schema layer under @peculiar/x509, and not with @peculiar/x509 itself nor node-forge:
 * - @peculiar/x509 2.2 does not even load here: its DI container (tsyringe) throws "requires a reflect
 *   polyfill" unless the app installs and imports the global `reflect-metadata` shim first, and it
 *   signs through WebCrypto CryptoKeys, so every key would be converted twice. Its lower layer has
 *   neither problem and gives the same well-kept, typed structures (TBSCertificate, GeneralName,
 *   KeyUsage...) for both building and parsing.
 * - node-forge has no ECDSA certificates; building them with forge.asn1 means hand-written, untyped
 *   DER trees over binary strings, and forge's RSA signing is pure JS (about 38 ms a certificate here).
 * Measured on this 2-core machine (bench/pki.ts, 3 masters + 100 nodes = 222 items, shared with other
 * work): ECDSA full PKI 0.74-1.06 s, RSA 11.1-15.9 s (120 RSA keys at ~250 ms of CPU each, two cores),
 * a no-op re-run 0.25-0.40 s either way; CFSSL needed 24.4 s for CA + 9 + 100 certificates. Parsing
 * back for the reuse check costs about 1 ms a certificate.
 */
export { ensurePki, type EnsureOptions } from './ensure.js';
export { pkiFilesFor, pkiPlacementsFor, pkiRolesOf, type PkiFile, type PkiFilesOptions, type PkiHostRole, type PkiPlacement } from './files.js';
export { readText as readPkiFile } from './store.js';
export { formatPkiReport, type PkiItem, type PkiReason, type PkiReport, type PkiStatus } from './report.js';
export { resolvePkiSpec, type KeyType, type PkiMember, type PkiSpec, type ResolvedPkiSpec } from './spec.js';
export { catalog, type Want } from './catalog.js';
export { selectRenewal } from './select.js';
export { expiring, formatExpiry, type ExpiryWarning } from './expiry.js';
export { ROTATION_STEPS, parseStep, phaseOf, planStep, type RotationPhase, type RotationStep } from './rotation-plan.js';
export { readPushed, rotationPhase, stepEtcdCa, type StepResult } from './rotation.js';
