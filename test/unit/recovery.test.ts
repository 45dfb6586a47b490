// The bound on fresh interpreters after the Python thread ended (server/recovery.ts): a crash loop ends
// in the error-answering state, while deaths far apart are each recovered from.
import { MAX_RECOVERIES, RECOVERY_WINDOW_MS, recoveryBudget } from '../../kernel/server/recovery';

const NOW = 1_000_000_000;

test(`a recovery is allowed while fewer than ${MAX_RECOVERIES} happened within the window`, () => {
  const past = Array.from({ length: MAX_RECOVERIES - 1 }, (_, i) => NOW - 1000 * (i + 1));
  expect(recoveryBudget(past, NOW)).toEqual({ allowed: true, recent: past });
});

test(`the ${MAX_RECOVERIES + 1}th death within the window is not recovered from`, () => {
  const past = Array.from({ length: MAX_RECOVERIES }, (_, i) => NOW - 1000 * (i + 1));
  expect(recoveryBudget(past, NOW).allowed).toBe(false);
});

test('recoveries older than the window no longer count', () => {
  const old = Array.from({ length: MAX_RECOVERIES }, (_, i) => NOW - RECOVERY_WINDOW_MS - i);
  expect(recoveryBudget([...old, NOW - 5], NOW)).toEqual({ allowed: true, recent: [NOW - 5] });
});
