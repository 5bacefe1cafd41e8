import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sleep } from './executors/executor.ts';
import { OutputBuffer, type OutputStream } from './output-buffer.ts';

function recorder(delayMs = 0) {
  const sent: Array<{ chunk: string; stream: OutputStream; at: number }> = [];
  return {
    sent,
    send: async (chunk: string, stream: OutputStream) => {
      sent.push({ chunk, stream, at: Date.now() });
      if (delayMs) await sleep(delayMs);
    },
  };
}

test('small output is kept whole, with its byte count', async () => {
  const out = new OutputBuffer({ keepBytes: 16, flushMs: 10, flushBytes: 1024 });
  out.write('stdout', 'hello ');
  out.write('stderr', Buffer.from('wörld\n'));
  await out.close();
  assert.is(out.text(), 'hello wörld\n');
  assert.is(out.totalBytes, 13);
});

test('output just over one keep size is whole too (head and tail meet)', async () => {
  const out = new OutputBuffer({ keepBytes: 10, flushMs: 10, flushBytes: 1024 });
  out.write('stdout', 'abcdefghijklmno'); // 15 bytes: 10 head + 5 tail
  assert.is(out.text(), 'abcdefghijklmno');
});

test('large output keeps head and tail, says how much was left out', async () => {
  const out = new OutputBuffer({ keepBytes: 100, flushMs: 10, flushBytes: 1 << 20 });
  const lines = Array.from({ length: 100_000 }, (_, i) => `line ${i + 1}\n`);
  for (let i = 0; i < lines.length; i += 777) out.write(i % 2 ? 'stdout' : 'stderr', lines.slice(i, i + 777).join(''));
  const all = lines.join('');
  assert.is(out.totalBytes, Buffer.byteLength(all));
  const text = out.text();
  assert.ok(text.startsWith(all.slice(0, 100)), 'head');
  assert.ok(text.endsWith(all.slice(-100)), 'tail');
  assert.ok(text.includes(`[... ${Buffer.byteLength(all) - 200} bytes omitted ...]`), text.slice(90, 160));
  assert.ok(Buffer.byteLength(text) < 300);
  await out.close();
});

test('a head that grows over many small writes keeps every byte in order', async () => {
  const out = new OutputBuffer({ keepBytes: 10_000, flushMs: 10, flushBytes: 1 << 20 });
  let all = '';
  for (let i = 0; all.length < 30_000; i++) {
    const piece = `${i}:${'x'.repeat(i % 7)}|`;
    out.write('stdout', piece);
    all += piece;
  }
  assert.is(out.totalBytes, all.length);
  assert.is(out.text(), `${all.slice(0, 10_000)}\n[... ${all.length - 20_000} bytes omitted ...]\n${all.slice(-10_000)}`);
  await out.close();
});

test('a tail written in one piece larger than the keep size', async () => {
  const out = new OutputBuffer({ keepBytes: 4, flushMs: 10, flushBytes: 1024 });
  out.write('stdout', 'HEAD');
  out.write('stdout', 'x'.repeat(50) + 'TAIL');
  assert.is(out.text(), 'HEAD\n[... 50 bytes omitted ...]\nTAIL');
});

test('streaming: chunks wait up to flushMs, in order, per stream', async () => {
  const r = recorder();
  const out = new OutputBuffer({ keepBytes: 1024, flushMs: 100, flushBytes: 1 << 16, send: r.send });
  const t0 = Date.now();
  out.write('stdout', 'a');
  out.write('stdout', 'b');
  out.write('stderr', 'c');
  out.write('stdout', 'd');
  // Bounds on timers, not on speed, so a loaded machine cannot break them: timers never fire early
  // and fire in due order, so the 30 ms sleep ends before the 100 ms flush, the flush comes before
  // the 180 ms sleep ends, and it is at least ~100 ms after the writes.
  await sleep(30);
  assert.is(r.sent.length, 0, 'nothing sent before flushMs');
  await sleep(150);
  assert.equal(r.sent.map((s) => [s.stream, s.chunk]), [['stdout', 'ab'], ['stderr', 'c'], ['stdout', 'd']]);
  assert.ok(r.sent[0].at - t0 >= 90, `sent after ${r.sent[0].at - t0} ms`);
  await out.close();
});

test('streaming: flushBytes pending go out at once; chunks never exceed it', async () => {
  const r = recorder();
  const fast = new OutputBuffer({ keepBytes: 1024, flushMs: 10_000, flushBytes: 1000, send: r.send });
  fast.write('stdout', 'x'.repeat(2500));
  await sleep(20);
  assert.ok(r.sent.length >= 1, 'sent without waiting for flushMs');
  await fast.close();
  assert.is(r.sent.map((s) => s.chunk).join('').length, 2500);
  assert.ok(r.sent.every((s) => s.chunk.length <= 1000));
});

test('streaming: a slow database loses the oldest live output, never the stored head and tail', async () => {
  const r = recorder(50);
  const out = new OutputBuffer({ keepBytes: 64, flushMs: 10, flushBytes: 100, send: r.send });
  for (let i = 0; i < 200; i++) out.write('stdout', `${String(i).padStart(9, '0')}\n`); // 2000 bytes at once
  await out.close();
  const streamed = r.sent.filter((s) => s.stream === 'stdout').map((s) => s.chunk).join('');
  assert.ok(streamed.length <= 600, `streamed ${streamed.length} bytes`);
  assert.ok(streamed.endsWith('000000199\n'), 'the newest output is streamed');
  assert.ok(r.sent.some((s) => s.stream === 'info' && /bytes of output were not streamed live/.test(s.chunk)));
  assert.ok(out.text().startsWith('000000000\n'));
  assert.ok(out.text().endsWith('000000199\n'));
  assert.is(out.totalBytes, 2000);
});

test('multi-byte characters split across writes stay whole; NUL bytes are dropped', async () => {
  const r = recorder();
  const out = new OutputBuffer({ keepBytes: 1024, flushMs: 5, flushBytes: 1024, send: r.send });
  const bytes = Buffer.from('ünïcödé\u0000!');
  for (const b of bytes) out.write('stdout', Uint8Array.of(b));
  await sleep(30);
  await out.close();
  assert.is(r.sent.map((s) => s.chunk).join(''), 'ünïcödé!');
  assert.is(out.text(), 'ünïcödé!');
});

test('a step that ends before the first send streams nothing; one that streamed sends the rest', async () => {
  const quiet = recorder();
  const short = new OutputBuffer({ keepBytes: 64, flushMs: 1000, flushBytes: 1024, send: quiet.send });
  short.write('stdout', 'quick\n');
  await short.close();
  assert.is(quiet.sent.length, 0);
  assert.is(short.text(), 'quick\n');
  const r = recorder();
  const long = new OutputBuffer({ keepBytes: 64, flushMs: 20, flushBytes: 1024, send: r.send });
  long.write('stdout', 'first\n');
  await sleep(50);
  long.write('stdout', 'last\n');
  await long.close();
  assert.equal(r.sent.map((s) => s.chunk), ['first\n', 'last\n']);
});

test('send errors are swallowed: output is best effort', async () => {
  const out = new OutputBuffer({ keepBytes: 64, flushMs: 5, flushBytes: 64, send: async () => { throw new Error('db down'); } });
  out.write('stdout', 'x');
  await out.close();
  assert.is(out.text(), 'x');
});

test.run();
