/**
 * firewalld zone files rendered as TS functions. The output is a pure function of its input, with
 * elements in the order firewalld itself writes them (short, description, sources, forward, services,
 * ports, protocols, masquerade, rules), so a second run renders the same bytes and changes nothing.
 */
import type { Port } from './ports.js';

export interface RichRule {
  readonly family: 'ipv4' | 'ipv6';
  readonly source: string;
  /** IP protocol name or number (112 = VRRP). */
  readonly protocol: string;
}

export interface Zone {
  readonly short: string;
  readonly description: string;
  /** ACCEPT for the trusted zone; absent means firewalld's default (reject what is not allowed). */
  readonly target?: 'ACCEPT' | 'DROP' | '%%REJECT%%';
  readonly sources?: readonly string[];
  readonly services?: readonly string[];
  readonly ports?: readonly Port[];
  readonly masquerade?: boolean;
  readonly rules?: readonly RichRule[];
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const rule = (r: RichRule): string[] => [
  `  <rule family="${r.family}">`,
  `    <source address="${esc(r.source)}"/>`,
  `    <protocol value="${esc(r.protocol)}"/>`,
  '    <accept/>',
  '  </rule>',
];

export function zoneXml(z: Zone): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    z.target ? `<zone target="${z.target}">` : '<zone>',
    `  <short>${esc(z.short)}</short>`,
    `  <description>${esc(z.description)}</description>`,
    ...(z.sources ?? []).map((s) => `  <source address="${esc(s)}"/>`),
    // Intra-zone forwarding (firewalld >= 1.0 ships it in public.xml; older versions ignore the element).
    '  <forward/>',
    ...(z.services ?? []).map((s) => `  <service name="${esc(s)}"/>`),
    ...(z.ports ?? []).map((p) => `  <port port="${esc(p.port)}" protocol="${esc(p.protocol)}"/>`),
    ...(z.masquerade ? ['  <masquerade/>'] : []),
    ...(z.rules ?? []).flatMap(rule),
    '</zone>',
    '',
  ].join('\n');
}
