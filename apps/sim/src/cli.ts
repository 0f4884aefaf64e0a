/**
 * Entry point of `switchboard-sim`: picks the subcommand by its first word and hands it the rest.
 * A subcommand is one module exporting a `Command`; adding one means adding it to `commands`.
 */
import { ExitCode, reportRejection, type Command, type CommandIo } from './command';
import { erlangCommand } from './erlang-command';
import { CliRejectionCode } from './parse-flags';
import { runSimulationCommand } from './run-command';

const commands: readonly Command[] = [erlangCommand, runSimulationCommand];

const help = `Usage: switchboard-sim <command> [flags]

Commands:
${commands.map((c) => `  ${c.name.padEnd(10)}${c.summary}`).join('\n')}

Run 'switchboard-sim <command> --help' for a command's flags.
`;

/** Runs the CLI on `args` (without the node and script paths) and resolves to the exit code. */
export async function runCli(args: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === '--help' || name === '-h') {
    io.out(help);
    return ExitCode.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(help);
    return reportRejection(io, {
      code: CliRejectionCode.unknownCommand,
      message: name === undefined ? 'no command given' : `unknown command '${name}'`,
    });
  }
  return command.run(rest, io);
}

process.exitCode = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
