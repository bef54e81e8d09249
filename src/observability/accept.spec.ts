import { accepts } from './accept';

describe('Accept negotiation', () => {
  it('admits anything without a header, or with one that names no media range', () => {
    expect(accepts(undefined, 'application/json')).toBe(true);
    expect(accepts('', 'application/json')).toBe(true);
    expect(accepts('garbage', 'text/plain')).toBe(true);
  });

  it('admits a type named exactly, by its major type or by */*', () => {
    expect(accepts('application/json', 'application/json')).toBe(true);
    expect(accepts('Application/JSON; charset=utf-8', 'application/json')).toBe(true);
    expect(accepts('text/*', 'text/plain')).toBe(true);
    expect(accepts('*/*', 'text/plain')).toBe(true);
    expect(accepts(['text/html', 'application/json'], 'application/json')).toBe(true);
  });

  it("admits Prometheus's own Accept for the text format", () => {
    expect(accepts('application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1', 'text/plain')).toBe(true);
  });

  it('refuses a header that admits other types only, or this one with q=0', () => {
    expect(accepts('text/html', 'application/json')).toBe(false);
    expect(accepts('application/json', 'text/plain')).toBe(false);
    expect(accepts('text/*', 'application/json')).toBe(false);
    expect(accepts('application/json;q=0', 'application/json')).toBe(false);
    expect(accepts('application/json; q=0.0, text/html', 'application/json')).toBe(false);
  });

  it('lets the most specific range decide', () => {
    expect(accepts('application/json;q=0, */*', 'application/json')).toBe(false);
    expect(accepts('text/plain, */*;q=0', 'text/plain')).toBe(true);
    expect(accepts('text/*;q=0, text/plain;q=0.2', 'text/plain')).toBe(true);
    expect(accepts('*/*;q=0', 'text/plain')).toBe(false);
  });
});
