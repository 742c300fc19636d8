/**
 * control_plane_mode and control_plane_images are cluster vars like the others (#17): one zod field each
 * in roles/cluster/cluster-schema.ts with its default and description, parsed once with the topology;
 * roles/cluster/control-plane-mode.ts holds only what follows from them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { ConfigError } from '../../lib/core/errors.js';
import { clusterSettingsOf, clusterShape } from '../../roles/cluster/cluster-schema.js';
import * as mode from '../../roles/cluster/control-plane-mode.js';
import { controlPlaneOf, topology } from '../../roles/cluster/index.js';
import { inventory, SMALL } from './helpers.js';

const withVars = (vars: Record<string, unknown>) => inventory({ ...SMALL, vars: { ...SMALL.vars, ...vars } }).cluster;
const refused = (vars: Record<string, unknown>, re: RegExp) =>
  assert.throws(
    () => topology(withVars(vars)),
    (e: unknown) => e instanceof ConfigError && re.test(e.message),
    re.source,
  );

describe('control_plane_mode and control_plane_images in the cluster schema', () => {
  it('are fields of the cluster schema with a default and a description', () => {
    assert.equal(clusterShape.control_plane_mode.parse(undefined), 'systemd');
    assert.deepEqual(clusterShape.control_plane_images.parse(undefined), {});
    assert.match(clusterShape.control_plane_mode.description ?? '', /systemd units, or static pods the kubelet starts/);
    assert.match(clusterShape.control_plane_images.description ?? '', /digest/);
    assert.deepEqual(
      [clusterSettingsOf({}).control_plane_mode, clusterSettingsOf({ control_plane_mode: 'static-pods' }).control_plane_mode],
      ['systemd', 'static-pods'],
    );
    // The declaration lives in the schema alone: control-plane-mode.ts parses nothing itself.
    for (const gone of ['controlPlaneModeOf', 'controlPlaneImagesOf', 'controlPlaneImagesSchema', 'controlPlaneModeDefaults'])
      assert.ok(!(gone in mode), `control-plane-mode.ts still exports ${gone}`);
  });

  it('a bad value is refused with the field, what it got and the nearest word, before any host', () => {
    refused(
      { control_plane_mode: 'staticpods' },
      /^vars\.control_plane_mode: expected "systemd" or "static-pods", got "staticpods"\. Did you mean "static-pods"\?/,
    );
    refused({ control_plane_mode: 'Systemd' }, /Did you mean "systemd"\?/);
    // A nested field is named to its end, with its own value (not its whole object).
    refused(
      { control_plane_images: { 'kube-apiserver': { digest: 'abc' } } },
      /^vars\.control_plane_images\.kube-apiserver\.digest: expected a digest such as sha256:<64 hex digits>, got "abc"$/,
    );
    refused({ control_plane_images: { 'kube-proxy': {} } }, /^vars\.control_plane_images: Unrecognized key/);
  });

  it("controlPlaneOf reads the topology's parsed values", () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const c = controlPlaneOf(withVars({ control_plane_mode: 'static-pods', control_plane_images: { 'kube-scheduler': { digest } } }));
    assert.deepEqual(c, { mode: 'static-pods', named: true, images: { 'kube-scheduler': { digest } } });
    assert.deepEqual(controlPlaneOf(withVars({})), { mode: 'systemd', named: false, images: {} });
  });
});
