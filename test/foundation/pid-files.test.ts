// scripts/lib.sh's record_pid and pid_alive, which every `make up`/`make down` relies on to reuse or
// stop only what the scripts started: a pid file names one process — its pid and its start time —
// so a pid the system hands out again after a SIGKILL or a reboot is not taken for the service.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const lib = path.join(__dirname, '..', '..', 'scripts', 'lib.sh');

/** Runs `fn ARGS...` from scripts/lib.sh; true when it succeeds. */
function libCall(home: string, fn: string, ...args: string[]): boolean {
  const result = spawnSync('bash', ['-c', 'source "$1"; shift; "$@"', 'lib', lib, fn, ...args], {
    env: { ...process.env, TWOFOLD_HOME: home, TWOFOLD_RUN_DIR: path.join(home, 'run') },
    encoding: 'utf8',
  });
  return result.status === 0;
}

describe('pid files (scripts/lib.sh record_pid, pid_alive)', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'twofold-pid-files-'));
  const pidFile = path.join(home, 'service.pid');
  let child: ChildProcess;

  beforeAll(() => {
    child = spawn('sleep', ['600'], { stdio: 'ignore' });
  });
  afterAll(() => {
    child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });

  it('when record_pid wrote the pid file of a running process, then that process counts as ours', () => {
    expect(libCall(home, 'record_pid', pidFile, String(child.pid))).toBe(true);
    expect(readFileSync(pidFile, 'utf8').trim()).toBe(String(child.pid));
    expect(libCall(home, 'pid_alive', pidFile)).toBe(true);
  });

  it('when the live process behind the pid started at another time than the one recorded (a reused pid), then the pid file is stale', () => {
    libCall(home, 'record_pid', pidFile, String(child.pid));
    const recorded = Number(readFileSync(`${pidFile}.start`, 'utf8'));
    writeFileSync(`${pidFile}.start`, `${recorded - 100}\n`);
    expect(libCall(home, 'pid_alive', pidFile)).toBe(false);
  });

  it('when a pid file has no recorded start time (written before they were recorded), then a live pid is trusted', () => {
    writeFileSync(pidFile, `${child.pid}\n`);
    rmSync(`${pidFile}.start`, { force: true });
    expect(libCall(home, 'pid_alive', pidFile)).toBe(true);
  });

  it('when the pid file names no running process, or is missing, then nothing is alive', () => {
    const exited = spawnSync('true');
    writeFileSync(pidFile, `${exited.pid}\n`);
    expect(libCall(home, 'pid_alive', pidFile)).toBe(false);
    expect(libCall(home, 'pid_alive', path.join(home, 'absent.pid'))).toBe(false);
  });
});
