import { parsePlan, PlanError, withDuration } from './plan';
import { startTimeOf } from './scheduler';
import { WeightedRoundRobin } from './rng';

const base = `name: unit
target:
  url: http://127.0.0.1:3000
  sandbox:
    template: training
    settings: { latency_profile: instant }
duration: 30s
arrival:
  model: constant_arrival_rate
  rate: 5
  max_vus: 10
workflows:
  rfi_lifecycle: 3
  browse: { weight: 1 }
thresholds:
  - step:create_rfi p(95) < 300ms
  - errors rate < 1%
`;

const problems = (text: string, overrides = {}): string[] => {
  try {
    parsePlan(text, 'plan.yaml', overrides);
  } catch (err) {
    if (err instanceof PlanError) return err.message.split('\n');
    throw err;
  }
  throw new Error('the plan was accepted');
};

const replaceLine = (n: number, line: string) => base.split('\n').map((l, i) => (i + 1 === n ? line : l)).join('\n');

describe('parsePlan', () => {
  it('reads a YAML plan with its defaults', () => {
    const plan = parsePlan(base, 'plan.yaml');
    expect(plan).toMatchObject({
      name: 'unit',
      target: { url: 'http://127.0.0.1:3000', sandbox: { kind: 'create', template: 'training', keep: false, settings: { latency_profile: 'instant' } }, line: 3 },
      durationMs: 30_000,
      arrival: { model: 'constant_arrival_rate', rate: 5, timeUnitMs: 1000, maxVus: 10 },
      workflows: [
        { name: 'rfi_lifecycle', weight: 3 },
        { name: 'browse', weight: 1 },
      ],
      consistency: { timeoutMs: 10_000, pollIntervalMs: 100 },
      sessions: 'shared',
      gracefulStopMs: 10_000,
      http: { connections: 64, maxRetries429: 5 },
    });
    expect(plan.thresholds.map((t) => [t.line, t.metric, t.value])).toEqual([
      [16, 'step', 300],
      [17, 'errors', 0.01],
    ]);
  });

  it('reads the same plan written as JSON, with JSON line numbers', () => {
    const json = JSON.stringify(
      { target: { url: 'http://h:1', sandbox_token: 'sbx_x' }, duration: '5s', arrival: { model: 'vus', vus: 3 }, workflows: { browse: 1 }, thresholds: ['errors rate < 1%', 'http_reqs rate > 1/s'] },
      null,
      2,
    );
    const plan = parsePlan(json, 'p.json');
    expect(plan).toMatchObject({ name: 'p', target: { sandbox: { kind: 'existing', token: 'sbx_x' } }, arrival: { model: 'vus', vus: 3, pauseMs: 0 } });
    expect(plan.thresholds.map((t) => t.line)).toEqual([15, 16]);
    expect(problems(json.replace('"vus": 3', '"vus": 0'))).toEqual(['plan.yaml:9: arrival.vus must be at least 1 (got 0)']);
  });

  it.each([
    [13, '  rfi_lifecyle: 3', 'plan.yaml:13: unknown workflow "rfi_lifecyle" (known: rfi_lifecycle, submittal_flow, change_order, photo_upload, browse)'],
    [10, '  rate: -5', 'plan.yaml:10: arrival.rate must be more than 0 (got -5)'],
    [10, '  rate: fast', 'plan.yaml:10: arrival.rate must be a number (got "fast")'],
    [7, 'duration: soon', 'plan.yaml:7: duration must be a duration such as "300ms", "5s" or "2m" (got "soon")'],
    [9, '  model: spike', 'plan.yaml:9: arrival.model must be one of constant_arrival_rate, ramping_arrival_rate, vus (got "spike")'],
    [11, '  max_vu: 10', 'plan.yaml:11: unknown setting "arrival.max_vu" (known here: model, rate, time_unit, start_rate, stages, vus, pause, max_vus)'],
    [16, '  - step:create_rfi p95 < 300ms', 'plan.yaml:16: cannot parse threshold "step:create_rfi p95 < 300ms"'],
    [16, '  - step:approve_change_order p(95) < 300ms', 'plan.yaml:16: unknown step "approve_change_order"'],
    [3, '  url: ftp://x', 'plan.yaml:3: target.url must be an http(s) URL (got "ftp://x")'],
    [5, '    template: blank', 'plan.yaml:5: target.sandbox.template must be one of training (got "blank")'],
    [14, '  browse: -1', 'plan.yaml:14: workflows.browse weight must be at least 0 (got -1)'],
    [1, 'nam: unit', 'plan.yaml:1: unknown setting "nam"'],
  ])('names line %i when it says %s', (line, text, message) => {
    expect(problems(replaceLine(line, text)).some((p) => p.startsWith(message))).toBe(true);
  });

  it('reports every problem at once, each with its line', () => {
    const text = replaceLine(10, '  rate: 0').replace('  rfi_lifecycle: 3', '  nope: 3');
    // the threshold on create_rfi now names a step of no workflow the plan runs
    expect(problems(text).map((p) => p.split(':')[1])).toEqual(['13', '10', '16']);
  });

  it('wants a unit on every duration: a bare number would be milliseconds', () => {
    expect(problems(replaceLine(7, 'duration: 60'))).toEqual(['plan.yaml:7: duration needs a unit, e.g. "60s" or "60ms" (got 60)']);
    expect(problems(replaceLine(7, 'duration: "60"'))[0]).toMatch(/^plan\.yaml:7: duration needs a unit/);
    expect(parsePlan(replaceLine(7, 'duration: 1m30s'), 'plan.yaml').durationMs).toBe(90_000);
  });

  it('names the line of a YAML syntax error', () => {
    expect(problems(`${base}thresholds: [unclosed\n`)[0]).toBe('plan.yaml:18: Map keys must be unique');
    expect(problems(base.replace('  rate: 5', '  rate: [5'))[0]).toMatch(/^plan\.yaml:1\d: /);
  });

  it('asks for the target, workflows and arrival when they are missing', () => {
    const lines = problems('duration: 5s\n');
    expect(lines.join('\n')).toMatch(/target is missing/);
    expect(lines.join('\n')).toMatch(/workflows is missing/);
    expect(lines.join('\n')).toMatch(/arrival is missing/);
  });

  it('takes sandbox_token or sandbox, not both', () => {
    expect(problems(base.replace('  sandbox:\n', '  sandbox_token: sbx_1\n  sandbox:\n'))[0]).toMatch(/^plan\.yaml:6: target takes sandbox_token .* not both/);
  });

  it('applies --duration and --target, scaling a ramping plan’s stages to the new length', () => {
    const ramp = base.replace('duration: 30s\n', '').replace(
      '  model: constant_arrival_rate\n  rate: 5\n',
      '  model: ramping_arrival_rate\n  start_rate: 1\n  stages:\n    - { target: 4, duration: 20s }\n    - { target: 0, duration: 10s }\n',
    );
    const plan = parsePlan(ramp, 'plan.yaml', { durationMs: 3000, targetUrl: 'http://10.0.0.1:9/' });
    expect(plan.durationMs).toBe(3000);
    expect(plan.target.url).toBe('http://10.0.0.1:9');
    expect(plan.arrival).toMatchObject({ stages: [{ target: 4, durationMs: 2000 }, { target: 0, durationMs: 1000 }] });
    expect(problems(ramp.replace('stages:', 'stages: []\n  x:'))[0]).toMatch(/unknown setting "arrival.x"|stages must be a non-empty list/);
    expect(problems(`${ramp}duration: 5s\n`)[0]).toMatch(/runs as long as its stages/);
    expect(withDuration(parsePlan(base, 'p'), 1000).durationMs).toBe(1000);
  });
});

describe('arrival schedules', () => {
  it('spaces a constant rate evenly', () => {
    const a = { model: 'constant_arrival_rate' as const, rate: 4, timeUnitMs: 1000, maxVus: 1 };
    expect([0, 1, 2, 4].map((k) => startTimeOf(a, k))).toEqual([0, 250, 500, 1000]);
  });

  it('ramps linearly: as many iterations in each stage as the area under its rate', () => {
    // 0 → 10/s over 10 s (50 iterations), then 10/s for 5 s (50 more)
    const a = { model: 'ramping_arrival_rate' as const, startRate: 0, timeUnitMs: 1000, stages: [{ target: 10, durationMs: 10_000 }, { target: 10, durationMs: 5000 }], maxVus: 1 };
    const times = Array.from({ length: 101 }, (_, k) => startTimeOf(a, k));
    expect(times.filter((t) => t < 10_000)).toHaveLength(50);
    expect(times.filter((t) => t >= 10_000 && t < 15_000)).toHaveLength(50);
    expect(times[100]).toBe(Infinity);
    // iteration k of the ramp at t with 0.5 t² = k (t in s)
    expect(startTimeOf(a, 8)).toBeCloseTo(4000, 6);
    for (let k = 1; k < 100; k++) expect(times[k]).toBeGreaterThan(times[k - 1]);
  });
});

describe('the workflow mix', () => {
  it('gives each workflow its weight in every round of total-weight picks', () => {
    const mix = new WeightedRoundRobin([5, 2, 1]);
    for (let round = 0; round < 4; round++) {
      const picks = Array.from({ length: 8 }, () => mix.next());
      expect([0, 1, 2].map((i) => picks.filter((p) => p === i).length)).toEqual([5, 2, 1]);
    }
  });
});
