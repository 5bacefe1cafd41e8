import { spawn } from 'node:child_process';
import { execa } from 'execa';
const N = 200;
let t0 = performance.now(); let c0 = process.cpuUsage();
for (let i = 0; i < N; i++) await execa('/bin/sh', ['-c', 'true'], { detached: true, stdin: 'ignore', buffer: false, reject: false, cleanup: false });
let c = process.cpuUsage(c0); console.log('execa', ((performance.now() - t0) / N).toFixed(2), 'ms wall', ((c.user + c.system) / 1000 / N).toFixed(2), 'ms cpu');
t0 = performance.now(); c0 = process.cpuUsage();
for (let i = 0; i < N; i++) await new Promise((r) => spawn('/bin/sh', ['-c', 'true'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] }).on('close', r));
c = process.cpuUsage(c0); console.log('spawn', ((performance.now() - t0) / N).toFixed(2), 'ms wall', ((c.user + c.system) / 1000 / N).toFixed(2), 'ms cpu');
