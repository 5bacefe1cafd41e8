/** The shape of one `pgautomator` command module (cli/<command>.ts). */
export interface Command {
  /** Runs the command with the arguments after its name (`--help` included); resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}
