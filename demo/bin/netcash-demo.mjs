#!/usr/bin/env node
// `netcash-demo` (`npm start`): runs the TypeScript launcher (src/cli/main.ts) through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
