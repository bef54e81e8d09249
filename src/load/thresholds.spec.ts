import { evaluateThreshold, parseThreshold, ThresholdCatalog, ThresholdData, ThresholdSyntaxError } from './thresholds';
import { Metrics } from './metrics';

const catalog: ThresholdCatalog = {
  steps: new Map([
    ['create_rfi', 'rfi_lifecycle'],
    ['login', 'session'],
  ]),
  workflows: new Set(['rfi_lifecycle']),
  consistency: new Set(['visible_to_other', 'budget_after_co']),
};

describe('parseThreshold', () => {
  it.each([
    ['step:create_rfi p(95) < 300ms', { metric: 'step', name: 'create_rfi', kind: 'trend', aggregation: { kind: 'percentile', p: 95 }, op: '<', value: 300 }],
    ['step:create_rfi p(99.9)<=1.5s', { metric: 'step', aggregation: { kind: 'percentile', p: 99.9 }, op: '<=', value: 1500 }],
    ['errors rate < 1%', { metric: 'errors', name: null, kind: 'rate', aggregation: { kind: 'rate' }, op: '<', value: 0.01 }],
    ['errors rate < 0.005', { value: 0.005 }],
    ['errors:create_rfi count == 0', { name: 'create_rfi', aggregation: { kind: 'count' }, op: '==', value: 0 }],
    ['consistency:budget_after_co p(99) < 2s', { metric: 'consistency', name: 'budget_after_co', value: 2000 }],
    ['http_reqs rate > 10/s', { kind: 'counter', aggregation: { kind: 'rate' }, op: '>', value: 10 }],
    ['http_reqs rate >= 600/m', { value: 10 }],
    ['http_req_duration avg < 1m', { value: 60_000 }],
    ['workflow:rfi_lifecycle med < 250', { value: 250 }],
    ['queue_depth max < 200', { kind: 'gauge', value: 200 }],
    ['dropped_iterations count == 0', { kind: 'counter' }],
  ])('reads %s', (source, expected) => {
    expect(parseThreshold(source, catalog, 7)).toMatchObject({ source, line: 7, ...expected });
  });

  it.each([
    ['step:create_rfi p95 < 300ms', /cannot parse threshold/],
    ['step:create_rfi p(95) 300ms', /cannot parse threshold/],
    ['latency p(95) < 300ms', /unknown metric "latency"/],
    ['step p(95) < 300ms', /"step" needs a step name/],
    ['step:close_rfi p(95) < 300ms', /unknown step "close_rfi".*create_rfi, login/],
    ['consistency:attachment_ready p(95) < 1s', /unknown consistency "attachment_ready"/],
    ['http_req_duration:create_rfi p(95) < 1s', /takes no name/],
    ['errors p(95) < 1%', /rate metric: it takes rate, count/],
    ['http_req_duration rate < 1%', /trend metric/],
    ['errors rate < 300ms', /percentage/],
    ['errors rate < 5', /fraction between 0 and 1/],
    ['step:create_rfi p(95) < 3%', /duration/],
    ['http_reqs rate > 10ms', /per second/],
    ['errors count < 1%', /no unit/],
    ['step:create_rfi p(0) < 1s', /percentile must be within/],
    ['queue_depth max < 3s', /number of jobs/],
  ])('refuses %s', (source, message) => {
    expect(() => parseThreshold(source, catalog)).toThrow(ThresholdSyntaxError);
    expect(() => parseThreshold(source, catalog)).toThrow(message);
  });
});

describe('evaluateThreshold', () => {
  const metrics = () => {
    let now = 0;
    const m = new Metrics(() => now);
    const step = m.step('create_rfi', 'rfi_lifecycle');
    for (let i = 1; i <= 100; i++) {
      now = i * 10;
      m.response(step, i, i <= 98 ? 201 : 422, i > 98, { code: 'validation_failed', message: 'bad' });
    }
    m.throttled(step, 1000);
    m.finish(10);
    return m;
  };
  const check = (source: string, data: ThresholdData = metrics()) => evaluateThreshold(parseThreshold(source, catalog), data);

  it('compares percentiles of the HDR histogram (1–100 ms: p95 is 95 ms)', () => {
    // 3 significant digits: within 0.1% of the exact value
    expect(check('step:create_rfi p(95) < 96ms')).toMatchObject({ ok: true, observed: 'p(95)=95ms' });
    expect(check('step:create_rfi p(95) < 96ms').actual).toBeCloseTo(95, 0);
    expect(check('step:create_rfi p(95) < 94.9ms').ok).toBe(false);
    expect(check('step:create_rfi p(50) < 50.1ms').ok).toBe(true);
    expect(check('step:create_rfi max == 100ms').ok).toBe(true);
    expect(check('step:create_rfi avg > 50ms')).toMatchObject({ ok: true, actual: 50.5 });
    expect(check('step:create_rfi count == 100').ok).toBe(true);
  });

  it('counts error rate over answered requests, leaving waited-out 429s apart', () => {
    expect(check('errors rate < 3%')).toMatchObject({ ok: true, actual: 0.02, observed: 'rate=2.00% (2 of 100)' });
    expect(check('errors rate < 2%').ok).toBe(false);
    expect(check('errors:create_rfi count == 2').ok).toBe(true);
    expect(check('rate_limited count == 1').ok).toBe(true);
  });

  it('turns counters into rates over the run’s seconds', () => {
    // 100 answered + 1 throttled in 10 s
    expect(check('http_reqs rate > 10/s')).toMatchObject({ ok: true, actual: 10.1 });
    expect(check('http_reqs rate > 10.1/s').ok).toBe(false);
    expect(check('http_reqs count == 101').ok).toBe(true);
  });

  it('fails a threshold on a metric with no samples: it proved nothing', () => {
    expect(check('consistency:visible_to_other p(95) < 1s')).toMatchObject({ ok: false, actual: null, observed: 'p(95)=no samples' });
    expect(check('failed_iterations rate < 1%')).toMatchObject({ ok: false, actual: null });
    // a count of nothing is a measurement
    expect(check('consistency:visible_to_other count == 0').ok).toBe(true);
  });

  it('records consistency and timeouts per kind', () => {
    const m = metrics();
    m.consistent('visible_to_other', 12);
    m.consistent('visible_to_other', 30);
    m.inconsistent('budget_after_co');
    expect(check('consistency:visible_to_other max < 31ms', m).ok).toBe(true);
    expect(check('consistency_timeouts count == 1', m).ok).toBe(true);
    expect(check('consistency_timeouts:visible_to_other count == 0', m).ok).toBe(true);
  });
});
