#!/usr/bin/env node
// The `pgautomator` command of a checkout (`node cli/bin.js`, `npm start`): registers tsx so the
// TypeScript sources run as they are, then hands over to cli/main.ts. The installed package runs
// compiled JavaScript instead: its bin is dist/cli/bin.js, written by scripts/build-package.ts.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
