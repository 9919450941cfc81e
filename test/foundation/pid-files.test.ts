// scripts/lib.sh's pid_alive, which every `make up`/`make down` relies on to reuse or stop only what
// the scripts started: a pid file naming a live process is trusted only if that process started
// before the file was written (a pid the system reused after a SIGKILL or a reboot is someone else's).
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const lib = path.join(__dirname, '..', '..', 'scripts', 'lib.sh');

/** Runs `pid_alive FILE` with the scripts' own helpers; true when it succeeds. */
function pidAlive(pidFile: string, home: string): boolean {
  const result = spawnSync('bash', ['-c', 'source "$1"; pid_alive "$2"', 'pid-alive', lib, pidFile], {
    env: { ...process.env, TWOFOLD_HOME: home, TWOFOLD_RUN_DIR: path.join(home, 'run') },
    encoding: 'utf8',
  });
  return result.status === 0;
}

describe('pid files (scripts/lib.sh pid_alive)', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'twofold-pid-files-'));
  const pidFile = path.join(home, 'service.pid');
  let child: ChildProcess;

  beforeAll(() => {
    child = spawn('sleep', ['600'], { stdio: 'ignore' });
  });
  afterAll(() => {
    child.kill('SIGKILL');
  });

  it('when the pid file names the process started just before it was written, then the process counts as ours', () => {
    writeFileSync(pidFile, `${child.pid}\n`);
    expect(pidAlive(pidFile, home)).toBe(true);
  });

  it('when the pid file is older than the live process it names (a reused pid), then it is stale', () => {
    writeFileSync(pidFile, `${child.pid}\n`);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(pidFile, anHourAgo, anHourAgo);
    expect(pidAlive(pidFile, home)).toBe(false);
  });

  it('when the pid file names no running process, or is missing, then nothing is alive', () => {
    const exited = spawnSync('true');
    writeFileSync(pidFile, `${exited.pid}\n`);
    expect(pidAlive(pidFile, home)).toBe(false);
    expect(pidAlive(path.join(home, 'absent.pid'), home)).toBe(false);
  });
});
