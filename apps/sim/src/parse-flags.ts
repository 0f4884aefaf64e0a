import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { parseArgs } from 'node:util';

/** Codes of command-line mistakes, reported like the domain's coded rejections. */
export const CliRejectionCode = {
  unknownCommand: 'CLI.UNKNOWN_COMMAND',
  unknownFlag: 'CLI.UNKNOWN_FLAG',
  missingValue: 'CLI.MISSING_VALUE',
  unexpectedArgument: 'CLI.UNEXPECTED_ARGUMENT',
  notANumber: 'CLI.NOT_A_NUMBER',
  missingFlag: 'CLI.MISSING_FLAG',
  conflictingFlags: 'CLI.CONFLICTING_FLAGS',
} as const;

/** Parsed flags: every value flag as its raw string, plus whether `--help` was given. */
export interface Flags {
  readonly values: Readonly<Record<string, string | undefined>>;
  readonly help: boolean;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

const parseArgsCodes: Record<string, string> = {
  ERR_PARSE_ARGS_UNKNOWN_OPTION: CliRejectionCode.unknownFlag,
  ERR_PARSE_ARGS_INVALID_OPTION_VALUE: CliRejectionCode.missingValue,
  ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL: CliRejectionCode.unexpectedArgument,
};

/**
 * Strict parse of `--name value` / `--name=value` flags (all taking a value) and `--help`/`-h`.
 * A negative number after a flag is taken as its value, which `parseArgs` alone would call
 * ambiguous, so that `--agents -3` reaches validation and gets its coded reason.
 */
export function parseFlags(args: readonly string[], names: readonly string[]): Result<Flags, Rejection> {
  const known = new Set(names);
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    if (
      known.has(arg.replace(/^--/, '')) &&
      next !== undefined &&
      next.startsWith('-') &&
      NUMBER.test(next)
    ) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  const options: Record<string, { type: 'string' } | { type: 'boolean'; short: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const name of names) options[name] = { type: 'string' };
  try {
    const { values } = parseArgs({ args: joined, options, strict: true, allowPositionals: false });
    const { help, ...rest } = values as Record<string, string | boolean | undefined>;
    return ok({ values: rest as Record<string, string | undefined>, help: help === true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const mapped = code === undefined ? undefined : parseArgsCodes[code];
    if (mapped === undefined) throw e;
    return err(rejection(mapped, (e as Error).message.replace(/\s*\n\s*/g, ' ')));
  }
}

/** The numeric value of flag `name`, `undefined` when absent, a rejection when not a plain number. */
export function numberFlag(flags: Flags, name: string): Result<number | undefined, Rejection> {
  const raw = flags.values[name];
  if (raw === undefined) return ok(undefined);
  if (!NUMBER.test(raw.trim()))
    return err(rejection(CliRejectionCode.notANumber, `--${name} expects a number, got '${raw}'`));
  return ok(Number(raw));
}

/** Like {@link numberFlag} but the flag must be present. */
export function requiredNumberFlag(flags: Flags, name: string): Result<number, Rejection> {
  const value = numberFlag(flags, name);
  if (!value.ok) return value;
  if (value.value === undefined) return err(rejection(CliRejectionCode.missingFlag, `--${name} is required`));
  return ok(value.value);
}
