import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePortBetween } from './free-port';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..');

/** Which Temporal the chaos stack runs: the dev server, or the Temporal server on PostgreSQL. */
export type ChaosTemporalBackend = 'dev' | 'postgres';

/** `TEMPORAL_BACKEND` as the scripts read it (docs/temporal-backends.md): `dev` unless set. */
export function chaosTemporalBackend(env: NodeJS.ProcessEnv): ChaosTemporalBackend {
  const backend = env.TEMPORAL_BACKEND || 'dev';
  if (backend !== 'dev' && backend !== 'postgres')
    throw new Error(`TEMPORAL_BACKEND must be dev or postgres (got ${backend})`);
  return backend;
}

/** A program and its arguments. */
export interface CommandLine {
  command: string;
  args: string[];
}

/** What `scripts/temporal-postgres.sh prepare` set up: the frontend's address and the two processes to run. */
export interface PreparedTemporalPostgres {
  /** `127.0.0.1:<port>`; every other server port follows it. */
  address: string;
  server: CommandLine;
  ui: CommandLine;
}

/** How often to try another frontend port when one the server would derive from it is taken. */
const PREPARE_ATTEMPTS = 5;

/**
 * Where the frontend's port is picked. The server's membership ports lie 294–300 below it
 * (docs/temporal-backends.md, "Ports") and Temporal stores them in a `smallint` column
 * (`cluster_membership.rpc_port`), so they must stay at or below 32767; below 32768 the ports are
 * also out of the kernel's usual ephemeral range, where outgoing connections take theirs.
 */
export const CHAOS_FRONTEND_PORTS = { min: 20_000, max: 32_767 + 294 } as const;

/**
 * Builds or reuses the server, renders its configuration and sets the schemas up in the PostgreSQL
 * cluster that `env` names (TWOFOLD_PG_PORT, which must be running), through
 * `scripts/temporal-postgres.sh prepare` with a free frontend port in CHAOS_FRONTEND_PORTS, and
 * returns the command lines it prints. The server opens more ports at fixed offsets from the
 * frontend's; when the script finds one of them taken (or the UI port among them), another frontend
 * port is tried.
 */
export async function prepareTemporalPostgres(env: NodeJS.ProcessEnv): Promise<PreparedTemporalPostgres> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePortBetween(CHAOS_FRONTEND_PORTS.min, CHAOS_FRONTEND_PORTS.max);
    const address = `127.0.0.1:${port}`;
    try {
      const { stdout } = await run(
        'bash',
        [path.join(repoRoot, 'scripts', 'temporal-postgres.sh'), 'prepare'],
        {
          env: { ...env, TEMPORAL_ADDRESS: address },
          encoding: 'utf8',
        },
      );
      const [server, ui] = stdout.trim().split('\n').slice(-2);
      if (server === undefined || ui === undefined)
        throw new Error(`temporal-postgres.sh prepare printed no command lines: ${stdout}`);
      return { address, server: await splitCommandLine(server), ui: await splitCommandLine(ui) };
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      const portClash = /is taken by another process|choose another/.test(stderr);
      if (!portClash || attempt >= PREPARE_ATTEMPTS)
        throw new Error(`temporal-postgres.sh prepare failed: ${stderr.trim() || String(error)}`);
    }
  }
}

/** Splits a line the script printed with `printf %q` into its words, by the shell that quoted it. */
async function splitCommandLine(line: string): Promise<CommandLine> {
  const { stdout } = await run(
    'bash',
    ['-c', 'eval "words=($1)"; printf "%s\\0" "${words[@]}"', 'split', line],
    {
      encoding: 'utf8',
    },
  );
  const [command, ...args] = stdout.split('\0').slice(0, -1);
  if (command === undefined) throw new Error(`an empty command line: ${line}`);
  return { command, args };
}
