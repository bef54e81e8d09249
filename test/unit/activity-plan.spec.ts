import { peakRequests, planActions, WORKFLOWS } from '../../src/simulation/activity/activity-plan';

const spec = { seed: 11, rate_per_minute: 600, duration_seconds: 120, users_per_persona: 3, mix: { rfis: 3, submittals: 1, change_orders: 1, photos: 0 } };

describe('activity plan', () => {
  it('is a function of its settings alone: the same seed plans the same actions, another seed others', () => {
    expect(planActions(spec)).toEqual(planActions({ ...spec }));
    expect(planActions({ ...spec, seed: 12 })).not.toEqual(planActions(spec));
  });

  it('plans rate × duration actions at a constant rate, following the mix and never a workflow of weight 0', () => {
    const actions = planActions(spec);
    expect(actions).toHaveLength(1200);
    expect(actions.map((a) => a.index)).toEqual(actions.map((_, i) => i));
    expect(actions[1].at_ms - actions[0].at_ms).toBe(100);
    const share = (w: string) => actions.filter((a) => a.workflow === w).length / actions.length;
    expect(share('photos')).toBe(0);
    expect(share('rfis')).toBeGreaterThan(0.5);
    expect(share('rfis')).toBeLessThan(0.7);
    expect(share('submittals')).toBeGreaterThan(0.12);
  });

  it('takes every instance through its steps in order, by the persona of each step, one member per instance', () => {
    const actions = planActions(spec);
    const byInstance = new Map<string, typeof actions>();
    for (const a of actions) byInstance.set(`${a.workflow}#${a.instance}`, [...(byInstance.get(`${a.workflow}#${a.instance}`) ?? []), a]);
    for (const [key, list] of byInstance) {
      const steps = WORKFLOWS[list[0].workflow];
      expect([key, list.map((a) => a.step)]).toEqual([key, steps.slice(0, list.length).map((s) => s.step)]);
      expect(list.map((a) => a.persona)).toEqual(steps.slice(0, list.length).map((s) => s.persona));
      expect(new Set(list.map((a) => a.member)).size).toBe(1);
    }
    expect(new Set(actions.map((a) => a.member))).toEqual(new Set([1, 2, 3]));
    // Most instances finish: only the last few of each workflow are left open at the end.
    const unfinished = [...byInstance.values()].filter((l) => l.length < WORKFLOWS[l[0].workflow].length);
    expect(unfinished.length).toBeLessThanOrEqual(3 * 8);
  });

  it('counts the busiest user’s requests per 10 s and per hour', () => {
    const actions = planActions({ ...spec, users_per_persona: 1, mix: { photos: 1 } });
    // 600 a minute, all uploads by the superintendent: 100 actions in every 10 s.
    expect(peakRequests(actions, 2)).toEqual({ spike_10s: 200, hourly: 2400, user: 'superintendent#1' });
  });
});
