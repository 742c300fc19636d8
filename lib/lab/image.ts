/**
 * The base image: built once with debootstrap into a temporary directory, finished inside it with
 * systemd-nspawn, and renamed into place only when complete, so that a killed build leaves no half image.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { allPackages, recipeHash, setupScript, type Recipe } from './recipe.js';
import { LabError, run, runQuiet, type Say } from './run.js';

/** Install the lab's own Debian prerequisites when a tool is missing. */
export async function ensurePrerequisites(say: Say): Promise<void> {
  const need = [
    ['debootstrap', 'debootstrap'],
    ['systemd-nspawn', 'systemd-container'],
  ].filter(([tool]) => !['/usr/sbin/', '/usr/bin/'].some((d) => existsSync(d + tool)));
  if (need.length === 0) return;
  const pkgs = need.map(([, pkg]) => pkg!);
  say(`installing ${pkgs.join(', ')} with apt-get`);
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs]);
}

/** Fail before a long build when a package name does not exist in the configured apt sources. */
export async function checkPackages(recipe: Recipe): Promise<void> {
  const names = allPackages(recipe);
  const r = await runQuiet('apt-cache', ['policy', ...names]);
  const missing = names.filter((n) => !new RegExp(`^${n.replace(/[.+]/g, '\\$&')}:\\n\\s+Installed: .*\\n\\s+Candidate: (?!\\(none\\))`, 'm').test(r.stdout));
  if (missing.length > 0) throw new LabError(`image recipe names packages apt cannot install: ${missing.join(', ')} (run apt-get update?)`);
}

/** The cached image for a recipe, built when missing. Returns its directory. */
export async function ensureImage(imagesDir: string, recipe: Recipe, say: Say): Promise<string> {
  const dir = join(imagesDir, recipeHash(recipe));
  if (existsSync(join(dir, 'etc/os-release'))) return dir;
  await ensurePrerequisites(say);
  await checkPackages(recipe);
  await mkdir(imagesDir, { recursive: true });
  await removeStaleBuilds(imagesDir);
  const tmp = `${dir}.building-${process.pid}`;
  const started = Date.now();
  const secs = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  say(`building Debian ${recipe.suite} image ${recipeHash(recipe)} (debootstrap takes a few minutes)`);
  await run('debootstrap', ['--variant=minbase', `--include=${recipe.base.join(',')}`, recipe.suite, tmp, recipe.mirror]);
  say(`  debootstrap done after ${secs()}; installing ${recipe.extra.length} packages for the roles`);
  // nspawn mounts a tmpfs on /tmp: the script lives in /root.
  await writeFile(join(tmp, 'root/tsplay-setup.sh'), setupScript(recipe));
  await run('systemd-nspawn', ['-q', '--register=no', '--keep-unit', '--resolv-conf=copy-host', '--timezone=off', '-D', tmp, 'sh', '/root/tsplay-setup.sh']);
  await rm(join(tmp, 'root/tsplay-setup.sh'));
  await rename(tmp, dir);
  say(`  image ready after ${secs()}: ${dir}`);
  return dir;
}

/** A build killed half way leaves `*.building-PID`: remove those whose process is gone. */
async function removeStaleBuilds(imagesDir: string): Promise<void> {
  for (const name of await readdir(imagesDir)) {
    const m = /\.building-(\d+)$/.exec(name);
    if (m && !existsSync(`/proc/${m[1]}`)) await rm(join(imagesDir, name), { recursive: true, force: true });
  }
}
