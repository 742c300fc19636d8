/**
 * A tiny Debian package built on the controller with dpkg-deb, and the flat-repository Packages index
 * that lets apt install it from a file: source on a lab host, which has no network.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DebFixture {
  readonly name: string;
  readonly file: string;
  readonly path: string;
  readonly sha256: string;
  readonly packages: string;
}

export function buildDeb(dir: string, name = 'tsplay-hello', version = '1.0'): DebFixture {
  const root = join(dir, 'pkg');
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'usr/share', name), { recursive: true });
  const control = [
    `Package: ${name}`,
    `Version: ${version}`,
    'Architecture: all',
    'Maintainer: tsplay tests <tests@tsplay.invalid>',
    'Description: a package for tsplay integration tests',
    '',
  ].join('\n');
  writeFileSync(join(root, 'DEBIAN/control'), control);
  writeFileSync(join(root, 'usr/share', name, 'README'), 'installed by the tsplay resource tests\n');
  const file = `${name}_${version}_all.deb`;
  const path = join(dir, file);
  execFileSync('dpkg-deb', ['--root-owner-group', '--build', root, path], { stdio: 'ignore' });
  const bytes = readFileSync(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const packages = `${control}Filename: ./${file}\nSize: ${bytes.length}\nSHA256: ${sha256}\n`;
  return { name, file, path, sha256, packages };
}
