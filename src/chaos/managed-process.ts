import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { delay, pollUntil } from '../shared/poll';

/** How to run one service of the chaos stack as a child process. */
export interface ManagedProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** stdout and stderr of every life of the process, appended. */
  logPath: string;
  cwd?: string;
  /** Run as this user (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
  /** True once the process serves; `output` is what this life has printed so far. */
  ready: (output: string) => Promise<boolean>;
  readyTimeoutMs: number;
}

/**
 * One service of the chaos stack, run as a direct child of the suite so that a SIGKILLed process is
 * reaped here (a zombie would keep PostgreSQL's lock file "in use"). Like a process supervisor
 * (systemd's Restart=always) it starts the service again, one second later, when it exits without
 * being told to; such exits are counted, since a service that dies on its own during an outage of
 * another one is worth knowing about.
 */
export class ManagedProcess {
  /** Exits the suite did not cause, with their code or signal. */
  readonly unexpectedExits: string[] = [];
  private child: ChildProcess | undefined;
  private output = '';
  private expectingExit = false;
  private stopped = false;
  private starting = false;
  private respawnAt = 0;
  private readonly log: WriteStream;

  constructor(readonly spec: ManagedProcessSpec) {
    this.log = createWriteStream(spec.logPath, { flags: 'a' });
  }

  /** The running process's id, if one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Starts the process (when none runs) and waits until it is ready. A process that exits while
   * starting (PostgreSQL while the old server's backends still hold its shared memory) is started
   * again a second later, up to the ready timeout.
   */
  async start(): Promise<void> {
    this.starting = true;
    try {
      if (!this.child) this.spawnChild();
      await pollUntil(
        () => {
          if (this.child) return this.spec.ready(this.output);
          if (Date.now() >= this.respawnAt) this.spawnChild();
          return Promise.resolve(false);
        },
        {
          timeoutMs: this.spec.readyTimeoutMs,
          what: `the ${this.spec.name} to be ready (log: ${this.spec.logPath})`,
        },
      );
    } finally {
      this.starting = false;
    }
  }

  /** SIGKILL, and wait until the process has exited and been reaped. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.expectingExit = true;
    const exited = exitOf(child);
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM (SIGKILL after `graceMs`); no restart afterwards. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (!child) return;
    this.expectingExit = true;
    const exited = exitOf(child);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    this.log.end();
  }

  private spawnChild(): void {
    this.output = '';
    this.expectingExit = false;
    const child = spawn(this.spec.command, this.spec.args, {
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(this.spec.cwd === undefined ? {} : { cwd: this.spec.cwd }),
      ...(this.spec.uid === undefined ? {} : { uid: this.spec.uid }),
      ...(this.spec.gid === undefined ? {} : { gid: this.spec.gid }),
    });
    this.child = child;
    this.log.write(`\n--- ${new Date().toISOString()} start ${this.spec.name} (pid ${child.pid})\n`);
    const collect = (chunk: Buffer) => {
      this.log.write(chunk);
      if (this.output.length < 200_000) this.output += chunk.toString('utf8');
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('error', (error) => this.log.write(`spawn error: ${error.message}\n`));
    child.on('exit', (code, signal) => {
      this.log.write(`--- ${new Date().toISOString()} exit ${this.spec.name} (${signal ?? code})\n`);
      if (this.child === child) this.child = undefined;
      if (this.expectingExit || this.stopped) return;
      if (this.starting) {
        this.respawnAt = Date.now() + 1_000;
        return;
      }
      this.unexpectedExits.push(`${this.spec.name} exited on its own (${signal ?? `code ${code}`})`);
      void delay(1_000).then(() => {
        if (!this.stopped && !this.child) this.spawnChild();
      });
    });
  }
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
