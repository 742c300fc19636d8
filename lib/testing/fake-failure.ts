/**
 * Two ways a fake host says no. HostFailure: what a real host would report (a non-zero exit and its
 * stderr); it fails the action group, as on a real host. FakeMisuse: a call that cannot be right
 * (starting a unit edited since the last daemon-reload, an unscripted command); it throws out of the
 * driver so the test fails loudly at the bug.
 */
export class HostFailure extends Error {
  override name = 'HostFailure';
  constructor(
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(stderr);
  }
}

export class FakeMisuse extends Error {
  override name = 'FakeMisuse';
}
