/**
 * The contract between `cli.ts` and its subcommands (`erlang`, and the simulator's `run`): each
 * subcommand is a module exporting one {@link Command}, registered in `cli.ts`.
 */

/** Where a command writes; the process streams in production, buffers in tests. */
export interface CommandIo {
  /** Results (JSON) and help text. */
  readonly out: (text: string) => void;
  /** Errors, one line each. */
  readonly err: (text: string) => void;
}

/** A subcommand of `switchboard-sim`. */
export interface Command {
  /** The word that selects it: `switchboard-sim <name> …`. */
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** Runs with the arguments after the name; resolves to the process exit code. */
  readonly run: (args: readonly string[], io: CommandIo) => Promise<number> | number;
}

/** Exit codes of the CLI: 0 success, 2 anything the caller got wrong (usage or a coded rejection). */
export const ExitCode = { ok: 0, usage: 2 } as const;

/** Writes a coded rejection as one stderr line, `switchboard-sim: CODE: message`, and gives exit 2. */
export function reportRejection(io: CommandIo, rejection: { code: string; message: string }): number {
  io.err(`switchboard-sim: ${rejection.code}: ${rejection.message}\n`);
  return ExitCode.usage;
}
