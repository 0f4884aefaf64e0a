/**
 * Runs one external audio tool (espeak-ng or sox) safely: an argument array and no shell, so text
 * from admins and webhooks is never parsed as a command; a hard timeout; errors that name the tool
 * and the Debian package that provides it.
 */
import { spawn } from 'node:child_process';
import { PromptCode, PromptError } from './prompt-error';

/** One run of an external tool. */
export interface ToolRun {
  /** Tool name used in messages, e.g. `espeak-ng`. */
  readonly tool: string;
  /** Debian package that provides the tool, named in the missing-tool error. */
  readonly debianPackage: string;
  /** Path or name of the executable. */
  readonly command: string;
  readonly args: readonly string[];
  /** Written to the tool's standard input, which is then closed. */
  readonly stdin?: string;
  /** The tool is killed (SIGKILL) after this many milliseconds. */
  readonly timeoutMs: number;
}

const STDERR_LIMIT = 4096;

/**
 * Runs the tool to completion. Resolves when it exits with status 0; rejects with a
 * {@link PromptError} coded `TOOL_MISSING`, `TOOL_TIMED_OUT` or `TOOL_FAILED` otherwise.
 */
export function runTool(run: ToolRun): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.command, run.args, { shell: false, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    let settled = false;
    const finish = (error?: PromptError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(timedOut(run));
    }, run.timeoutMs);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < STDERR_LIMIT) stderr += chunk.slice(0, STDERR_LIMIT - stderr.length);
    });
    child.on('error', (error: NodeJS.ErrnoException) => finish(spawnFailed(run, error)));
    child.on('close', (code, signal) => {
      if (code === 0) finish();
      else finish(exitedWithError(run, code, signal, stderr));
    });
    // A tool that dies early closes its stdin; the exit status above reports why, not EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(run.stdin ?? '', 'utf8');
  });
}

function spawnFailed(run: ToolRun, error: NodeJS.ErrnoException): PromptError {
  if (error.code === 'ENOENT' || error.code === 'EACCES') {
    return new PromptError(
      PromptCode.ToolMissing,
      `${run.tool} was not found at '${run.command}': install the Debian package ` +
        `${run.debianPackage} (apt-get install ${run.debianPackage}) or configure its path`,
      { tool: run.tool, command: run.command, debianPackage: run.debianPackage, errno: error.code },
      { cause: error },
    );
  }
  return new PromptError(
    PromptCode.ToolFailed,
    `${run.tool} could not be started: ${error.message}`,
    { tool: run.tool, command: run.command },
    { cause: error },
  );
}

function timedOut(run: ToolRun): PromptError {
  return new PromptError(PromptCode.ToolTimedOut, `${run.tool} did not finish within ${run.timeoutMs} ms`, {
    tool: run.tool,
    timeoutMs: run.timeoutMs,
  });
}

function exitedWithError(
  run: ToolRun,
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: string,
): PromptError {
  const status = code === null ? `was killed by ${signal ?? 'a signal'}` : `exited with status ${code}`;
  return new PromptError(PromptCode.ToolFailed, `${run.tool} ${status}: ${stderr.trim() || 'no output'}`, {
    tool: run.tool,
    exitCode: code,
    signal,
    stderr: stderr.trim(),
  });
}
