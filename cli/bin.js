#!/usr/bin/env node
// The `pgautomator` command: registers tsx so the TypeScript sources run as they are, then hands
// over to cli/main.ts. Kept in JavaScript so `node cli/bin.js` and the npm bin link need no build.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
