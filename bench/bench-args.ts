// Command-line options of the benchmarks: `--name value`, and comma-separated lists of sizes.

/** The value after `--name`, or `fallback`. */
export function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1]! : fallback;
}

/** `--name 200,300,400` as numbers; what is not a positive number is left out (`--name 0`: none). */
export function list(name: string, fallback: string): number[] {
  return arg(name, fallback)
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
}
