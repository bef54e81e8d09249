/**
 * The load runner is a client outside every sandbox: it stamps its reports and
 * reads HTTP-date Retry-After headers in real time (latency is measured with
 * performance.now()).
 */
export const wallNow = (): number => Date.now();
export const wallDate = (): Date => new Date();
