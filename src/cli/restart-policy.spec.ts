import { RestartPolicy } from './restart-policy';

const rules = { baseDelayMs: 500, maxDelayMs: 3000, fastExitMs: 10_000, maxFastExits: 5 };

describe('restart policy', () => {
  it('starts a child that ran a while again after the base delay, every time', () => {
    const policy = new RestartPolicy(rules);
    for (let i = 0; i < 10; i++) expect(policy.exited(60_000)).toEqual({ restart: true, delayMs: 500, fastExits: 0 });
  });

  it('doubles the delay for each quick death in a row, up to the cap, and gives up at the limit', () => {
    const policy = new RestartPolicy(rules);
    expect([1, 2, 3, 4].map(() => policy.exited(200))).toEqual([
      { restart: true, delayMs: 500, fastExits: 1 },
      { restart: true, delayMs: 1000, fastExits: 2 },
      { restart: true, delayMs: 2000, fastExits: 3 },
      { restart: true, delayMs: 3000, fastExits: 4 },
    ]);
    expect(policy.exited(9_999)).toEqual({ restart: false, fastExits: 5 });
  });

  it('forgets quick deaths once a child has run past the fast-exit time', () => {
    const policy = new RestartPolicy(rules);
    for (let i = 0; i < 4; i++) policy.exited(100);
    expect(policy.exited(10_000)).toEqual({ restart: true, delayMs: 500, fastExits: 0 });
    expect(policy.exited(100)).toEqual({ restart: true, delayMs: 500, fastExits: 1 });
  });
});
