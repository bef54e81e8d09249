import { isSingleProcess, parseStartArgs, UsageError } from './start-options';

function refusal(argv: string[]): string {
  try {
    parseStartArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as UsageError).message;
  }
  throw new Error(`expected ${JSON.stringify(argv)} to be refused`);
}

describe('npm start flags', () => {
  it.each([
    [[], { api: 1, workers: 0 }, true],
    [['--api', '1'], { api: 1, workers: 0 }, true],
    [['--api', '1', '--workers', '0'], { api: 1, workers: 0 }, true],
    [['--api', '2'], { api: 2, workers: 1 }, false],
    [['--api=3', '--workers=2'], { api: 3, workers: 2 }, false],
    [['--workers', '2'], { api: 1, workers: 2 }, false],
    [['--workers', '1', '--api', '4'], { api: 4, workers: 1 }, false],
    [['--api', '32', '--workers', '32'], { api: 32, workers: 32 }, false],
  ])('reads %j as %j (one process: %s)', (argv, options, single) => {
    expect(parseStartArgs(argv)).toEqual(options);
    expect(isSingleProcess(options)).toBe(single);
  });

  it('answers help for --help and -h, whatever else is given', () => {
    expect(parseStartArgs(['--help'])).toBe('help');
    expect(parseStartArgs(['--api', '2', '-h'])).toBe('help');
  });

  it.each([
    [['--api', '0'], '--api must be a whole number from 1 to 32 (got "0")'],
    [['--api', 'x'], '--api must be a whole number from 1 to 32 (got "x")'],
    [['--api', '33'], '--api must be a whole number from 1 to 32 (got "33")'],
    [['--api', '-1'], '--api must be a whole number from 1 to 32 (got "-1")'],
    [['--api', '1.5'], '--api must be a whole number from 1 to 32 (got "1.5")'],
    [['--api=', '2'], '--api needs a number, as in --api 2'],
    [['--api'], '--api needs a number, as in --api 2'],
    [['--api', '--workers', '2'], '--api needs a number, as in --api 2'],
    [['--workers', 'many'], '--workers must be a whole number from 0 to 32 (got "many")'],
    [['--workers', '40'], '--workers must be a whole number from 0 to 32 (got "40")'],
    [['--nope'], 'unknown flag --nope'],
    [['--api-count=2'], 'unknown flag --api-count'],
    [['-a', '2'], 'unknown flag -a'],
    [['api'], 'unexpected argument "api"'],
    [['--api', '2', '--api', '3'], '--api is given twice'],
    [['--api', '2', '--workers', '0'], '--workers 0 with --api 2 would leave every job unrun: several API processes run no jobs themselves; give --workers 1 or more'],
  ])('refuses %j: %s', (argv, message) => {
    expect(refusal(argv)).toBe(message);
  });
});
