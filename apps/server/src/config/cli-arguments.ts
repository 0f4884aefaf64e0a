/** The flag part of a setting: its name, whether it may stand alone, and its help line. */
export interface ArgumentSpec {
  readonly flag: string;
  readonly help: string;
  /** A boolean flag may be given bare (`--demo`) or negated (`--no-demo`). */
  readonly boolean?: boolean;
}

/** Raw flag values by flag name, plus every flag that could not be read. */
export interface ReadArguments {
  readonly values: ReadonlyMap<string, string>;
  readonly problems: { setting: string; message: string }[];
}

/**
 * Splits `--flag value`, `--flag=value`, bare boolean `--flag` and `--no-flag` into raw strings.
 * Values are not interpreted here; unknown flags and missing values are reported, not thrown.
 */
export function readArguments(argv: readonly string[], specs: readonly ArgumentSpec[]): ReadArguments {
  const byFlag = new Map(specs.map((s) => [s.flag, s]));
  const values = new Map<string, string>();
  const problems: { setting: string; message: string }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    // main answers --help before configuration is read; it is not a setting.
    if (token === '--help' || token === '-h') continue;
    const eq = token.indexOf('=');
    const name = eq === -1 ? token : token.slice(0, eq);
    const inline = eq === -1 ? undefined : token.slice(eq + 1);
    const negated = name.startsWith('--no-') ? byFlag.get(`--${name.slice(5)}`) : undefined;
    if (negated?.boolean && inline === undefined) {
      values.set(negated.flag, 'false');
      continue;
    }
    const spec = byFlag.get(name);
    if (spec === undefined) {
      problems.push({
        setting: token,
        message: name.startsWith('-') ? 'unknown flag' : 'unexpected argument',
      });
      continue;
    }
    if (inline !== undefined) {
      values.set(name, inline);
    } else if (spec.boolean && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--'))) {
      values.set(name, 'true');
    } else if (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--')) {
      problems.push({ setting: name, message: 'needs a value' });
    } else {
      values.set(name, argv[++i]!);
    }
  }
  return { values, problems };
}
