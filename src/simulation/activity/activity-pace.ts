/**
 * Synthetic users keep real time: a run's rate is actions per real minute and
 * BullMQ's delays are real milliseconds, whatever the sandbox's clock says (what
 * they write carries sandbox time, as every write does).
 */
export function realNow(): number {
  return Date.now();
}
