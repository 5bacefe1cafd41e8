/**
 * A step attempt's output: streamed to the database in chunks while the step runs, and kept,
 * bounded, for its final record.
 *
 * - Streaming: pending output is sent at most every `flushMs`, or as soon as `flushBytes` wait;
 *   one send at a time; nothing for a step that ends before its first send. When the database is slower than the step, the oldest pending output is
 *   dropped from the live stream (with a note saying how much); the stored output below is complete
 *   at head and tail regardless.
 * - Keeping: the first `keepBytes` and the last `keepBytes` bytes of everything the step wrote
 *   (stdout and stderr interleaved as they came), plus the total byte count.
 */
import { StringDecoder } from 'node:string_decoder';

export const outputStreams = ['stdout', 'stderr', 'notice', 'info'] as const;
export type OutputStream = (typeof outputStreams)[number];

/** What an executor writes its output to. */
export interface OutputSink {
  write(stream: OutputStream, data: string | Uint8Array): void;
}

export interface OutputBufferOptions {
  keepBytes: number;
  flushMs: number;
  flushBytes: number;
  /** Sends one chunk; errors are the callback's business (they are swallowed here). */
  send?: (chunk: string, stream: OutputStream) => Promise<void>;
}

interface Pending {
  stream: OutputStream;
  text: string;
  bytes: number;
}

const emptyBuffer = Buffer.alloc(0);
const firstHeadBytes = 1024;

// Postgres text cannot hold NUL.
const clean = (text: string) => (text.includes('\u0000') ? text.replace(/\u0000/g, '') : text);

export class OutputBuffer implements OutputSink {
  // Both grow on demand: most steps print a few lines, and two buffers of keepBytes (64 KiB each by
  // default) allocated per step cost more GC than the rest of a short run (measured in bursts).
  private head = emptyBuffer;
  private headLength = 0;
  private tail = emptyBuffer;
  private tailStart = 0; // ring buffer: oldest byte at tailStart once full
  private tailLength = 0;
  private total = 0;
  private readonly decoders = new Map<OutputStream, StringDecoder>();
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private skipped = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private closed = false;
  private streamed = false;

  constructor(private readonly options: OutputBufferOptions) {}

  /** Bytes written so far, kept or not. */
  get totalBytes(): number {
    return this.total;
  }

  write(stream: OutputStream, data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (bytes.length === 0) return;
    this.keep(bytes);
    if (!this.options.send || this.closed) return;
    let decoder = this.decoders.get(stream);
    if (!decoder) this.decoders.set(stream, (decoder = new StringDecoder('utf8')));
    this.queue(stream, decoder.write(bytes));
  }

  /**
   * The step ended. Once output was streamed, what is pending is sent too, so the live log is
   * complete; a step that ended before its first send streams nothing: its output goes with its
   * final record, and the database is spared a call (and a NOTIFY) per short step.
   */
  async close(): Promise<void> {
    if (this.options.send && !this.closed) {
      for (const [stream, decoder] of this.decoders) this.queue(stream, decoder.end());
    }
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.streamed && !this.sending) {
      this.pending = [];
      this.pendingBytes = 0;
    }
    while (this.sending || this.pending.length > 0) {
      if (!this.sending) this.startSend();
      await this.sending;
    }
  }

  /** The kept output: all of it when it fit, else head, a line saying how much was left out, tail. */
  text(): string {
    const head = this.head.subarray(0, this.headLength);
    const tail = Buffer.concat([this.tail.subarray(this.tailStart, this.tailLength), this.tail.subarray(0, this.tailStart)]);
    const omitted = this.total - this.headLength - this.tailLength;
    if (omitted === 0) return clean(Buffer.concat([head, tail]).toString('utf8'));
    return clean(`${head.toString('utf8')}\n[... ${omitted} bytes omitted ...]\n${tail.toString('utf8')}`);
  }

  private keep(bytes: Buffer): void {
    this.total += bytes.length;
    const size = this.options.keepBytes;
    let rest = bytes;
    if (this.headLength < size) {
      const n = Math.min(size - this.headLength, rest.length);
      if (this.headLength + n > this.head.length) {
        const grown = Buffer.allocUnsafe(Math.min(size, Math.max(firstHeadBytes, 2 * this.head.length, this.headLength + n)));
        this.head.copy(grown, 0, 0, this.headLength);
        this.head = grown;
      }
      rest.copy(this.head, this.headLength, 0, n);
      this.headLength += n;
      rest = rest.subarray(n);
    }
    if (rest.length === 0) return;
    if (this.tail.length === 0) this.tail = Buffer.allocUnsafe(size);
    if (rest.length >= size) {
      rest.copy(this.tail, 0, rest.length - size);
      this.tailStart = 0;
      this.tailLength = size;
      return;
    }
    for (let offset = 0; offset < rest.length; ) {
      if (this.tailLength < size) {
        const n = Math.min(size - this.tailLength, rest.length - offset);
        rest.copy(this.tail, this.tailLength, offset, offset + n);
        this.tailLength += n;
        offset += n;
      } else {
        const n = Math.min(size - this.tailStart, rest.length - offset);
        rest.copy(this.tail, this.tailStart, offset, offset + n);
        this.tailStart = (this.tailStart + n) % size;
        offset += n;
      }
    }
  }

  private queue(stream: OutputStream, text: string): void {
    if (!text) return;
    const bytes = Buffer.byteLength(text);
    const last = this.pending[this.pending.length - 1];
    if (last && last.stream === stream) {
      last.text += text;
      last.bytes += bytes;
    } else this.pending.push({ stream, text, bytes });
    this.pendingBytes += bytes;
    // Bound the live stream's memory: drop the oldest pending output beyond four flushes' worth.
    const limit = 4 * this.options.flushBytes;
    while (this.pendingBytes > limit && this.pending.length > 0) {
      const first = this.pending[0];
      const excess = this.pendingBytes - limit;
      if (first.bytes <= excess) {
        this.pending.shift();
        this.pendingBytes -= first.bytes;
        this.skipped += first.bytes;
      } else {
        const cut = Buffer.from(first.text, 'utf8').subarray(excess).toString('utf8');
        const cutBytes = Buffer.byteLength(cut);
        this.skipped += first.bytes - cutBytes;
        this.pendingBytes -= first.bytes - cutBytes;
        first.text = cut;
        first.bytes = cutBytes;
      }
    }
    if (this.closed) return;
    if (this.pendingBytes >= this.options.flushBytes) {
      clearTimeout(this.timer);
      this.timer = undefined;
      if (!this.sending) this.startSend();
    } else if (!this.timer && !this.sending) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.sending) this.startSend();
      }, this.options.flushMs);
    }
  }

  private startSend(): void {
    const batch = this.takeBatch();
    if (batch.length === 0) return;
    const send = this.options.send!;
    this.streamed = true;
    this.sending = (async () => {
      for (const item of batch) {
        try {
          await send(clean(item.text), item.stream);
        } catch {
          // Live output is best effort; the final record keeps head and tail.
        }
      }
    })().finally(() => {
      this.sending = undefined;
      if (this.closed || this.pending.length === 0) return;
      if (this.pendingBytes >= this.options.flushBytes) this.startSend();
      else if (!this.timer) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          if (!this.sending) this.startSend();
        }, this.options.flushMs);
      }
    });
  }

  /** Up to flushBytes of pending output (one chunk per run of one stream), oldest first. */
  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    if (this.skipped > 0) {
      batch.push({ stream: 'info', text: `\n[pgautomator: ${this.skipped} bytes of output were not streamed live; the step's stored output keeps its head and tail]\n`, bytes: 0 });
      this.skipped = 0;
    }
    let budget = this.options.flushBytes;
    while (this.pending.length > 0 && budget > 0) {
      const first = this.pending[0];
      if (first.bytes <= budget) {
        this.pending.shift();
        this.pendingBytes -= first.bytes;
        budget -= first.bytes;
        batch.push(first);
      } else {
        // Split on a character boundary within the budget.
        const buffer = Buffer.from(first.text, 'utf8');
        let cut = budget;
        while (cut > 0 && (buffer[cut] & 0xc0) === 0x80) cut--;
        if (cut === 0) break;
        const piece = buffer.subarray(0, cut).toString('utf8');
        first.text = buffer.subarray(cut).toString('utf8');
        first.bytes -= cut;
        this.pendingBytes -= cut;
        batch.push({ stream: first.stream, text: piece, bytes: cut });
        budget = 0;
      }
    }
    return batch;
  }
}
