/**
 * Mocha root hooks (loaded by test/fault/mocharc.json): print the fault counts after every family has run,
 * and fail the process when a count that must be zero is not, even if a family's own assertion did not.
 */
import { summaryText, violations } from './counts.js';
import { SEED } from './helpers.js';

const started = Date.now();

export const mochaHooks = {
  afterAll(): void {
    console.log(`\n${summaryText(SEED, Date.now() - started)}\n`);
    const bad = violations();
    if (bad.length) {
      console.log(`fault suite FAILED: ${bad.join('; ')}`);
      process.exitCode = 1;
    }
  },
};
