/**
 * X.509 encoding: certificates are built as typed ASN.1 (@peculiar/asn1-x509) and signed with native
 * node:crypto; existing ones are read back into the same terms (subject, SANs, usages) so that "what
 * is there" and "what is wanted" compare field by field.
 */
import { normalizeIp } from '../../../lib/index.js';
import { randomBytes, sign, createHash, type KeyObject } from 'node:crypto';
import * as x from '@peculiar/asn1-x509';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { spkiDer, type Key } from './keys.js';
import type { KeyType } from './spec.js';
import type { CertWant, Sans, Usage } from './catalog.js';

const OID = { cn: '2.5.4.3', o: '2.5.4.10', ecdsaSha256: '1.2.840.10045.4.3.2', rsaSha256: '1.2.840.113549.1.1.11' };
const KU = x.KeyUsageFlags;
const DAY = 86_400_000;

/** The usages a certificate must carry: key usage bits, extended key usages, CA flag. */
export interface Usages {
  readonly ca: boolean;
  readonly keyUsage: number;
  readonly extKeyUsage: readonly string[];
}

export function usagesFor(usage: Usage, keyType: KeyType): Usages {
  if (usage === 'ca') return { ca: true, keyUsage: KU.keyCertSign | KU.cRLSign | KU.digitalSignature, extKeyUsage: [] };
  // keyEncipherment only means something for RSA key transport; ECDSA keys only sign.
  const keyUsage = KU.digitalSignature | (keyType === 'rsa' ? KU.keyEncipherment : 0);
  const eku = { server: [x.id_kp_serverAuth], client: [x.id_kp_clientAuth], peer: [x.id_kp_serverAuth, x.id_kp_clientAuth] }[usage];
  return { ca: false, keyUsage, extKeyUsage: [...eku].sort() };
}

/** Subject as a DN: O before CN, the usual order. */
export function subjectName(s: CertWant['subject']): x.Name {
  const rdn = (type: string, value: string) =>
    new x.RelativeDistinguishedName([new x.AttributeTypeAndValue({ type, value: new x.AttributeValue({ utf8String: value }) })]);
  return new x.Name([...(s.o === undefined ? [] : [rdn(OID.o, s.o)]), rdn(OID.cn, s.cn)]);
}

export interface Issuer {
  readonly name: x.Name;
  readonly key: Key;
  /** Subject key identifier of the issuer, for the authority key identifier. */
  readonly keyId: ArrayBuffer;
}

/** SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1), as openssl and Go compute it. */
export function keyIdentifier(pub: KeyObject): ArrayBuffer {
  const spki = AsnConvert.parse(spkiDer(pub), x.SubjectPublicKeyInfo);
  return toArrayBuffer(createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest());
}

/** A signed certificate (PEM) for `key`, issued by `issuer` (undefined: self-signed with `key`). */
export function issue(want: CertWant, key: Key, issuer: Issuer | undefined, now = new Date()): string {
  const subject = subjectName(want.subject);
  const ownId = keyIdentifier(key.public);
  const signer = issuer ?? { name: subject, key, keyId: ownId };
  const alg =
    signer.key.type === 'ecdsa'
      ? new x.AlgorithmIdentifier({ algorithm: OID.ecdsaSha256 })
      : new x.AlgorithmIdentifier({ algorithm: OID.rsaSha256, parameters: new Uint8Array([5, 0]).buffer });
  const tbs = new x.TBSCertificate({
    version: x.Version.v3,
    serialNumber: serial(),
    signature: alg,
    issuer: signer.name,
    // Backdated 5 minutes for clock skew between the controller and the hosts.
    validity: new x.Validity({ notBefore: new Date(now.getTime() - 300_000), notAfter: new Date(now.getTime() + want.days * DAY) }),
    subject,
    subjectPublicKeyInfo: AsnConvert.parse(spkiDer(key.public), x.SubjectPublicKeyInfo),
    extensions: new x.Extensions(extensions(want, key.type, ownId, signer.keyId)),
  });
  const signature = sign('sha256', new Uint8Array(AsnConvert.serialize(tbs)), signer.key.private);
  const cert = new x.Certificate({ tbsCertificate: tbs, signatureAlgorithm: alg, signatureValue: toArrayBuffer(signature) });
  return pem(Buffer.from(AsnConvert.serialize(cert)));
}

function extensions(want: CertWant, keyType: KeyType, ownId: ArrayBuffer, issuerId: ArrayBuffer): x.Extension[] {
  const u = usagesFor(want.usage, keyType);
  const ext = (id: string, critical: boolean, value: unknown) =>
    new x.Extension({ extnID: id, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
  const names = [...want.sans.dns.map((dNSName) => new x.GeneralName({ dNSName })), ...want.sans.ip.map((iPAddress) => new x.GeneralName({ iPAddress }))];
  return [
    ext(x.id_ce_keyUsage, true, new x.KeyUsage(u.keyUsage)),
    ...(u.extKeyUsage.length ? [ext(x.id_ce_extKeyUsage, false, new x.ExtendedKeyUsage([...u.extKeyUsage]))] : []),
    ext(x.id_ce_basicConstraints, true, new x.BasicConstraints({ cA: u.ca })),
    ext(x.id_ce_subjectKeyIdentifier, false, new x.SubjectKeyIdentifier(ownId)),
    ...(want.issuer ? [ext(x.id_ce_authorityKeyIdentifier, false, new x.AuthorityKeyIdentifier({ keyIdentifier: new x.KeyIdentifier(issuerId) }))] : []),
    ...(names.length ? [ext(x.id_ce_subjectAltName, false, new x.SubjectAlternativeName(names))] : []),
  ];
}

/** 16 random bytes, positive and without a leading zero byte (a DER INTEGER's rules). */
function serial(): ArrayBuffer {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x40;
  return toArrayBuffer(b);
}

const toArrayBuffer = (b: Uint8Array): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

export const pem = (der: Buffer): string =>
  `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE-----\n`;

/** What an existing certificate says, in the catalogue's terms. */
export interface Observed {
  readonly subject: { readonly cn?: string; readonly o?: string; readonly other: number };
  readonly sans: Sans;
  readonly usages: Usages;
  readonly name: x.Name;
  readonly keyId?: ArrayBuffer;
}

/** Parse a DER certificate's subject and extensions; throws on malformed input. */
export function observe(der: Uint8Array): Observed {
  const cert = AsnConvert.parse(der, x.Certificate);
  const tbs = cert.tbsCertificate;
  const subject = { cn: undefined as string | undefined, o: undefined as string | undefined, other: 0 };
  for (const atv of tbs.subject.flatMap((rdn) => [...rdn])) {
    if (atv.type === OID.cn && subject.cn === undefined) subject.cn = atv.value.toString();
    else if (atv.type === OID.o && subject.o === undefined) subject.o = atv.value.toString();
    else subject.other++;
  }
  const dns: string[] = [];
  const ip: string[] = [];
  let usages: Usages = { ca: false, keyUsage: 0, extKeyUsage: [] };
  let keyId: ArrayBuffer | undefined;
  for (const e of tbs.extensions ?? []) {
    const v = e.extnValue.buffer;
    if (e.extnID === x.id_ce_subjectAltName) {
      for (const g of AsnConvert.parse(v, x.SubjectAlternativeName)) {
        if (g.dNSName !== undefined) dns.push(g.dNSName);
        else if (g.iPAddress !== undefined) ip.push(normalizeIp(g.iPAddress) ?? g.iPAddress);
      }
    } else if (e.extnID === x.id_ce_keyUsage) usages = { ...usages, keyUsage: AsnConvert.parse(v, x.KeyUsage).toNumber() };
    else if (e.extnID === x.id_ce_extKeyUsage) usages = { ...usages, extKeyUsage: [...AsnConvert.parse(v, x.ExtendedKeyUsage)].sort() };
    else if (e.extnID === x.id_ce_basicConstraints) usages = { ...usages, ca: AsnConvert.parse(v, x.BasicConstraints).cA };
    else if (e.extnID === x.id_ce_subjectKeyIdentifier) keyId = AsnConvert.parse(v, x.SubjectKeyIdentifier).buffer;
  }
  return { subject, sans: { dns: [...new Set(dns)].sort(), ip: [...new Set(ip)].sort() }, usages, name: tbs.subject, ...(keyId ? { keyId } : {}) };
}
