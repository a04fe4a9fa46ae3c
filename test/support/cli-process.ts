/** `bin/bridgedesk.js` run as a child process, as a user runs it, with its output kept for assertions. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const bin = path.resolve('bin/bridgedesk.js');

export interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Only PATH and HOME come from this process's environment, so no local setting leaks into the command. */
export function launch(args: string[], env: Record<string, string>, opts: { cwd?: string; home?: string } = {}): Running {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? opts.home ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Waits until the output matches and returns the match, or fails with the output when the process exits first. */
export async function waitForOutput(r: Running, pattern: RegExp): Promise<RegExpExecArray> {
  for (;;) {
    const m = pattern.exec(r.output());
    if (m) return m;
    const code = await Promise.race([r.exited, new Promise((res) => setTimeout(() => res('wait'), 50))]);
    if (code !== 'wait') throw new Error(`exited with ${code}: ${r.output()}`);
  }
}

/** Stops the process with `signal` and returns its exit code. */
export async function stop(r: Running, signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
  r.child.kill(signal);
  return r.exited;
}
