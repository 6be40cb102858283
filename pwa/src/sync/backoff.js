// Capped exponential backoff with jitter: the n-th retry waits about 2^n seconds, never more than
// five minutes. "Equal jitter": a random point in the upper half of the step, so phones that lost
// the network together do not come back together, and no wait is shorter than half its step.

export const BASE_MS = 1000;
export const CAP_MS = 5 * 60 * 1000;

/** The un-jittered step after `attempt` failures (0, 1, 2, ...): 1 s, 2 s, 4 s, ... 300 s. */
export function backoffStep(attempt) {
  return Math.min(CAP_MS, BASE_MS * 2 ** Math.min(attempt, 30));
}

/** The wait after `attempt` failures, with `random()` in [0, 1): in [step/2, step). */
export function backoffDelay(attempt, random = Math.random) {
  const step = backoffStep(attempt);
  return Math.round(step / 2 + random() * (step / 2));
}
