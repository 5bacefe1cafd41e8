/**
 * Progress of the quick start's long steps: "label ... done (1.2 s)". On a terminal a spinner
 * with the elapsed time turns while a step runs, and lines printed meanwhile (the agent's and the
 * UI's output) are written above it; elsewhere (logs, tests) each step is two plain lines.
 */
export class Progress {
  private current: { label: string; started: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;
  private readonly tty: boolean;

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {
    this.tty = Boolean(out.isTTY) && process.env.TERM !== 'dumb' && !process.env.CI;
  }

  /** Prints a line, above the spinner when one turns. */
  log(line: string): void {
    if (this.current && this.tty) this.out.write('\r\x1b[2K');
    this.out.write(`${line}\n`);
    if (this.current && this.tty) this.draw();
  }

  private draw(): void {
    if (!this.current) return;
    const frames = ['|', '/', '-', '\\'];
    const seconds = Math.floor((Date.now() - this.current.started) / 1000);
    this.out.write(`\r\x1b[2K${frames[this.frame++ % frames.length]} ${this.current.label} (${seconds} s)`);
  }

  async step<T>(label: string, work: () => Promise<T>, describe?: (result: T) => string): Promise<T> {
    this.current = { label, started: Date.now() };
    if (this.tty) {
      this.draw();
      this.timer = setInterval(() => this.draw(), 120);
    } else {
      this.out.write(`${label} ...\n`);
    }
    const finish = (text: string) => {
      const seconds = ((Date.now() - (this.current?.started ?? Date.now())) / 1000).toFixed(1);
      clearInterval(this.timer);
      this.current = undefined;
      this.out.write(`${this.tty ? '\r\x1b[2K' : ''}${label}: ${text} (${seconds} s)\n`);
    };
    try {
      const result = await work();
      finish(describe ? describe(result) : 'done');
      return result;
    } catch (error) {
      finish('failed');
      throw error;
    }
  }
}
