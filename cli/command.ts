/** The shape of one `pgautomator` command module (cli/<command>.ts). */
export interface Command {
  /** The text of `pgautomator <command> --help`. */
  readonly help: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}
