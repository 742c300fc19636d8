/**
 * Swap off for good, on every family: `swapoff -a` now (only when /proc/swaps lists one), the fstab swap
 * lines commented out, and swap.target masked, because a swap that fstab does not name (zram-generator on
 * Fedora and CentOS Stream, a hand-written .swap unit) is pulled in by swap.target at the next boot and the
 * kubelet then refuses to start (failSwapOn).
 */
import { command, type AnyResource } from '../../lib/index.js';
import { fstabNoSwap } from './fstab.js';

export const SWAP_GUARD = "grep -q '^/' /proc/swaps";
export const MASK_SWAP = 'systemctl mask swap.target';
export const SWAP_MASKED = 'test "$(systemctl is-enabled swap.target 2>/dev/null)" = masked';

export const swapOff = (): AnyResource[] => [
  command({ command: 'swapoff -a', onlyIf: SWAP_GUARD, writes: ['swap'] }),
  fstabNoSwap(),
  command({ command: MASK_SWAP, unless: SWAP_MASKED, writes: ['swap.target'] }),
];
