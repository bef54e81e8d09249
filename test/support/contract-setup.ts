import { flushContractCounts } from './contract';

/** Each e2e file adds the number of answers it validated against the OpenAPI document to the run's tally. */
afterAll(() => flushContractCounts());
