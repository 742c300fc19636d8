/**
 * The HTML report of a real run (sample playbook over fake hosts, one unreachable), opened in headless
 * Chromium: every host and role on the timeline, a diff, a failure, and a screenshot that is a real PNG.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Fleet, INVENTORY, SAMPLE, tsplay } from '../cli/helpers.js';

const CHROMIUM = '/usr/bin/chromium';

describe('tsplay run --report: the HTML page in a real browser', function () {
  this.timeout(120_000);

  before(function () {
    if (existsSync(CHROMIUM)) return;
    if (process.env.TSPLAY_LAB_REQUIRED) throw new Error(`${CHROMIUM} is missing and TSPLAY_LAB_REQUIRED is set: apt-get install -y chromium`);
    console.log(`    skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
    this.skip();
  });

  it('shows every host and role, a diff and the failure, and screenshots as a PNG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-report-'));
    const file = join(dir, 'run.html');
    const fleet = new Fleet();
    fleet.down.add('web-2');
    const ran = await tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, '--report', file);
    assert.notEqual(ran.code, 0, 'an unreachable host fails the run, report or not');
    assert.ok(ran.err.trimEnd().endsWith(`report: ${file}`), `path printed last:\n${ran.err}`);
    const html = readFileSync(file, 'utf8');
    assert.ok(!/<script|https?:\/\//.test(html.replace(/<!doctype html>/, '')), 'self-contained, no script, no network');

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (r) => void requests.push(r.url()));
      await page.goto(pathToFileURL(file).href);
      const rows = await page.$$eval('#timeline .row', (els) =>
        els.map((e) => ({
          host: e.getAttribute('data-host'),
          roles: [...e.querySelectorAll('.bar')].map((b) => b.getAttribute('data-role')),
          visible: e.getBoundingClientRect().height > 0,
        })),
      );
      console.log(`    timeline: ${JSON.stringify(rows)}`);
      const reached = [...fleet.hosts.keys()].filter((h) => h !== 'web-2');
      assert.ok(reached.length > 0);
      for (const h of reached) {
        const row = rows.find((r) => r.host === h);
        assert.ok(row?.visible && row.roles.length > 0, `timeline row for ${h}`);
      }
      const roles = new Set(rows.flatMap((r) => r.roles));
      assert.ok(roles.size > 0);
      for (const r of rows) assert.deepEqual(new Set(r.roles), roles, `${r.host} shows every role`);
      const added = await page.$$eval('#changes pre.diff .add', (els) => els.length);
      assert.ok(added > 0, 'a diff with added lines');
      const failures = await page.textContent('#failures');
      assert.match(failures ?? '', /web-2[\s\S]*ECONNREFUSED/);
      assert.equal(await page.getAttribute('[data-host="web-2"] .bar', 'class'), 'bar failed', "the unreachable host's role is red");
      const totals = await page.textContent('#totals');
      assert.match(totals ?? '', /round trips/);
      const png = await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
      assert.ok(png.length > 1000, 'non-empty screenshot');
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
      console.log(`    screenshot: ${join(dir, 'report.png')} (${png.length} bytes); page requests: ${requests.length}`);
      assert.deepEqual(
        requests.filter((u) => !u.startsWith('file:')),
        [],
        'no network',
      );
    } finally {
      await browser.close();
    }
  });
});
