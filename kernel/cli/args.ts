// Minimal argument reading for our subcommands: `--flag`, `--option value` and `-f value`.
export class Args {
  private readonly used = new Set<number>();

  constructor(private readonly argv: string[]) {}

  flag(name: string): boolean {
    const i = this.argv.indexOf(name);
    if (i >= 0) this.used.add(i);
    return i >= 0;
  }

  option(...names: string[]): string | undefined {
    for (const name of names) {
      const i = this.argv.indexOf(name);
      if (i < 0) continue;
      const value = this.argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
      this.used.add(i).add(i + 1);
      return value;
    }
    return undefined;
  }

  // Call after reading every known flag: anything left is a mistake worth reporting.
  rejectUnknown(): void {
    const unknown = this.argv.filter((_, i) => !this.used.has(i));
    if (unknown.length > 0) throw new Error(`unknown argument(s): ${unknown.join(' ')}`);
  }
}
