/**
 * The Bridgedesk processes of a chaos run, started as an operator would: `node bin/bridgedesk.js server|worker`
 * with DATABASE_URL, each writing its JSON log lines to its own file. Killed with SIGKILL on purpose; every one of
 * them is killed again at cleanup, by pid, whatever state the run is in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface BridgedeskProcess {
  kind: 'server' | 'worker';
  name: string;
  pid: number;
  startedAt: number;
  /** Set when the suite killed it. */
  killedAt: number | null;
  /** Set when it exited (killed or not). */
  exitedAt: number | null;
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  logFile: string;
  child: ChildProcess;
  alive(): boolean;
  kill(signal?: NodeJS.Signals): void;
  exited: Promise<void>;
}

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bin/bridgedesk.js');

export class ProcessSet {
  readonly all: BridgedeskProcess[] = [];

  constructor(
    private readonly env: Record<string, string>,
    private readonly logDir: string,
  ) {}

  start(kind: 'server' | 'worker', extraEnv: Record<string, string> = {}): BridgedeskProcess {
    const n = this.all.filter((p) => p.kind === kind).length + 1;
    const name = `${kind}-${n}`;
    const logFile = path.join(this.logDir, `${name}.log`);
    const out = fs.openSync(logFile, 'a');
    const child = spawn(process.execPath, [BIN, kind], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...this.env, ...extraEnv },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    if (child.pid === undefined) throw new Error(`could not start ${name}`);
    const p: BridgedeskProcess = {
      kind,
      name,
      pid: child.pid,
      startedAt: Date.now(),
      killedAt: null,
      exitedAt: null,
      exit: null,
      logFile,
      child,
      alive: () => p.exitedAt === null,
      kill(signal: NodeJS.Signals = 'SIGKILL') {
        if (p.exitedAt !== null) return;
        if (signal === 'SIGKILL' && p.killedAt === null) p.killedAt = Date.now();
        child.kill(signal);
      },
      exited: new Promise<void>((resolve) =>
        child.once('exit', (code, signal) => {
          p.exitedAt = Date.now();
          p.exit = { code, signal };
          resolve();
        }),
      ),
    };
    this.all.push(p);
    return p;
  }

  live(kind: 'server' | 'worker'): BridgedeskProcess[] {
    return this.all.filter((p) => p.kind === kind && p.alive());
  }

  /** Processes that exited without the suite killing them (a crash, or a start that failed). */
  unexpectedExits(): BridgedeskProcess[] {
    return this.all.filter((p) => p.exitedAt !== null && p.killedAt === null);
  }

  async killAll(): Promise<void> {
    for (const p of this.all) p.kill('SIGKILL');
    await Promise.all(this.all.map((p) => Promise.race([p.exited, new Promise((r) => setTimeout(r, 5_000))])));
  }
}

/** The last lines of a process's log, to show why it died. */
export function logTail(p: BridgedeskProcess, lines = 8): string {
  try {
    return fs.readFileSync(p.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
