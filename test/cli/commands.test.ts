import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main';
import { runCli } from '../harness/cli';

/** Every command path of the tree, e.g. ['webhooks', 'register'] (commander's implicit `help` left out). */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands
    .filter((c) => c.name() !== 'help')
    .flatMap((c) => {
      const path = [...prefix, c.name()];
      return [path, ...commandPaths(c, path)];
    });
}

function leaf(path: string[]): Command {
  let command: Command = buildProgram();
  for (const name of path) command = command.commands.find((c) => c.name() === name)!;
  return command;
}

/** Runs `work` over `items` with at most `limit` CLI processes at once (two cores). */
async function inBatches<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += limit) {
    results.push(...(await Promise.all(items.slice(i, i + limit).map(work))));
  }
  return results;
}

/** The commands that print data: each offers --json (docs/contract.md §7). */
const DATA_COMMANDS = [
  'onboarding start',
  'onboarding status',
  'onboarding cancel',
  'onboarding stuck',
  'onboarding replay-check',
  'webhooks register',
  'webhooks list',
  'webhooks delete',
  'schedule ensure',
  'sync backfill',
  'simulate',
  'stack check',
];

describe('the twofold command tree (docs/contract.md §7)', () => {
  const paths = commandPaths(buildProgram());

  it('when listing the tree, then it has every command of the contract', () => {
    const names = paths.map((p) => p.join(' '));
    expect(names).toEqual(
      expect.arrayContaining([
        ...DATA_COMMANDS,
        'schedule pause',
        'schedule trigger',
        'emulator',
        'worker',
        'gateway',
      ]),
    );
  });

  it('when a command prints data, then it offers --json', () => {
    for (const name of DATA_COMMANDS) {
      const options = leaf(name.split(' ')).options.map((o) => o.long);
      expect({ name, json: options.includes('--json') }).toEqual({ name, json: true });
    }
  });

  it('when any command is asked for --help, then it exits 0 and prints its usage and description', async () => {
    const results = await inBatches(paths, 3, async (path) => ({
      path: path.join(' '),
      result: await runCli([...path, '--help']),
    }));
    for (const { path, result } of results) {
      expect({ path, code: result.code }).toEqual({ path, code: 0 });
      expect(result.stdout).toContain(`Usage: twofold ${path}`);
      // Help wraps long lines: compare with whitespace collapsed.
      const squash = (text: string) => text.replace(/\s+/g, ' ');
      expect(squash(result.stdout)).toContain(squash(leaf(path.split(' ')).description()));
    }
  }, 120_000);

  it('when run without a command or with an unknown one, then it exits 2 and shows the commands', async () => {
    const [none, unknown] = await Promise.all([runCli([]), runCli(['frobnicate'])]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Commands:');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});

describe('bad arguments and bad configuration of the commands without a test folder of their own', () => {
  it.each([
    [['worker', '--concurrency', '3'], {}, 2, /unknown option '--concurrency'/],
    [
      ['worker', '--max-concurrent-activities', '0'],
      {},
      2,
      /--max-concurrent-activities must be a positive integer \(got "0"\)/,
    ],
    [
      ['worker', '--max-cached-workflows', 'lots'],
      {},
      2,
      /--max-cached-workflows must be a positive integer \(got "lots"\)/,
    ],
    [
      ['worker', '--workflow-task-pollers', '1'],
      {},
      2,
      /--workflow-task-pollers must be an integer from 2 to 1000 \(got "1"\)/,
    ],
    [
      ['worker', '--activity-task-pollers', '1.5'],
      {},
      2,
      /--activity-task-pollers must be an integer from 1 to 1000 \(got "1.5"\)/,
    ],
    [['worker'], { TEMPORAL_ADDRESS: 'nonsense' }, 78, /TEMPORAL_ADDRESS: expected host:port/],
    [['gateway', '--nonce-window', 'abc'], {}, 2, /--nonce-window must be a positive number of seconds/],
    [['gateway', '--target-grace', '-5'], {}, 2, /--target-grace must be a positive number of seconds/],
    [['gateway', '--inbox-retention', '0'], {}, 2, /--inbox-retention must be a positive number of days/],
    [['worker', '--metrics-port', '0'], {}, 2, /--metrics-port must be a port from 1 to 65535/],
    [['codec-server', '--port', '65536'], {}, 2, /--port must be a port from 0 to 65535/],
    [['onboarding', 'stuck', '--limit', 'ten'], {}, 2, /--limit must be a positive integer/],
    [['gateway'], { GATEWAY_PORT: '99999' }, 78, /GATEWAY_PORT/],
    [
      ['gateway'],
      { AUTHY_API_URL: 'https://api.authy.com', AUTHY_API_KEY: '' },
      78,
      /AUTHY_API_KEY: required/,
    ],
    [['emulator'], { AUTHY_EMULATOR_PORT: 'abc' }, 78, /AUTHY_EMULATOR_PORT/],
    [['emulator', 'extra'], {}, 2, /too many arguments/],
    [['db', 'migrate'], { DATABASE_URL: 'mysql://x/y' }, 78, /DATABASE_URL: expected a postgres/],
    [
      ['db', 'migrate'],
      { DATABASE_URL: 'postgres://a:b@127.0.0.1:9/x' },
      1,
      /cannot migrate PostgreSQL at 127\.0\.0\.1:9\/x[\s\S]*Fix:/,
    ],
    [
      ['stack', 'check'],
      { TEMPORAL_ADDRESS: '127.0.0.1:9' },
      1,
      /cannot reach Temporal at 127\.0\.0\.1:9[\s\S]*Fix:/,
    ],
    [['schedule', 'ensure', '--interval', '500ms'], {}, 2, /--interval must be a duration of at least 1s/],
    [['schedule', 'ensure', '--interval', 'often'], {}, 2, /--interval must be a duration/],
    [['schedule', 'ensure', '--overlap', '-1m'], {}, 2, /--overlap/],
    [['schedule', 'pause', '--bogus'], {}, 2, /unknown option '--bogus'/],
    [['schedule', 'trigger', 'now'], {}, 2, /too many arguments/],
    [['schedule', 'trigger'], { TEMPORAL_ADDRESS: '127.0.0.1:9' }, 1, /cannot reach Temporal[\s\S]*Fix:/],
    [['sync', 'backfill', '--from', '2026-01-01T00:00:00Z'], {}, 2, /--to/],
    [
      ['sync', 'backfill', '--from', 'yesterday', '--to', '2026-01-02T00:00:00Z'],
      {},
      2,
      /"yesterday" is not an ISO 8601 time/,
    ],
    [
      [
        'sync',
        'backfill',
        '--from',
        '2026-01-01T00:00:00Z',
        '--to',
        '2026-01-02T00:00:00Z',
        '--concurrency',
        '0',
      ],
      {},
      2,
      /--concurrency must be a positive integer/,
    ],
  ])(
    'when `twofold %j` runs with env %j, then it exits %i saying what is wrong',
    async (args, env, code, message) => {
      const result = await runCli(args, env);
      expect(result.code).toBe(code);
      expect(result.stderr).toMatch(message);
    },
  );
});
