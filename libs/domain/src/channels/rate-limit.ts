import { type ChannelKind, PLATFORM_LIMITS } from './platforms.js';

export interface Allowance {
  /** How many messages may be posted now. */
  now: number;
  /** When the next one may go, if `now` is 0 (epoch ms). */
  nextAt: number;
}

/**
 * How many messages a bot may post at `now`, given the instants (epoch ms) of its recent sends: at most
 * `perMinute` in any sliding 60 s and `perSecond` in any sliding second, nothing before `penaltyUntil`. A
 * sliding window also holds any fixed calendar minute the platform may count in. Pure: the caller keeps
 * the send log (in PostgreSQL, so every instance shares it) and waits until `nextAt`; nothing is dropped.
 */
export function allowance(
  kind: ChannelKind,
  recentSends: readonly number[],
  now: number,
  penaltyUntil: number | null = null,
): Allowance {
  const { perMinute, perSecond } = PLATFORM_LIMITS[kind];
  if (penaltyUntil !== null && penaltyUntil > now) return { now: 0, nextAt: penaltyUntil };
  // A send at exactly now - 60 s has left the window.
  const inMinute = recentSends.filter((t) => t > now - 60_000 && t <= now).sort((a, b) => a - b);
  let free = perMinute - inMinute.length;
  let nextAt = now;
  if (free <= 0) {
    // The oldest send that must leave the window for one slot to free up.
    nextAt = inMinute[inMinute.length - perMinute] + 60_000;
    free = 0;
  }
  if (perSecond !== null) {
    const inSecond = inMinute.filter((t) => t > now - 1000);
    const secondFree = perSecond - inSecond.length;
    if (secondFree <= 0) {
      nextAt = Math.max(nextAt, inSecond[inSecond.length - perSecond] + 1000);
      free = 0;
    } else {
      free = Math.min(free, secondFree);
    }
  }
  return { now: free, nextAt: free > 0 ? now : nextAt };
}
