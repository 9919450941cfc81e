// CPU time per process group, read from /proc (Linux), to show where a benchmark phase spent the
// machine's cores. Other people's load on PostgreSQL or Temporal is counted too: it is a rough split.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** Seconds of CPU (user + system) used so far by each named group of processes. */
export type CpuSample = Record<string, number>;

function processCpu(pid: string): { comm: string; seconds: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime), counted from after the command name.
    return { comm, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** CPU seconds of this process, of the given child processes, of PostgreSQL and of Temporal. */
export function sampleCpu(children: Record<string, number | undefined>): CpuSample {
  const sample: CpuSample = { sync: processCpu(String(process.pid))?.seconds ?? 0, postgres: 0, temporal: 0 };
  for (const [name, pid] of Object.entries(children)) {
    sample[name] = pid === undefined ? 0 : (processCpu(String(pid))?.seconds ?? 0);
  }
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return sample;
  }
  for (const pid of entries) {
    const cpu = processCpu(pid);
    if (cpu?.comm === 'postgres') sample.postgres! += cpu.seconds;
    else if (cpu?.comm === 'temporal') sample.temporal! += cpu.seconds;
  }
  return sample;
}

/** "sync 12.3 s, emulator 4.5 s, ..." for the CPU used between two samples. */
export function describeCpu(before: CpuSample, after: CpuSample): string {
  return Object.keys(after)
    .map((name) => `${name} ${((after[name] ?? 0) - (before[name] ?? 0)).toFixed(1)} s`)
    .join(', ');
}
