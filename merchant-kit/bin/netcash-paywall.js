#!/usr/bin/env node
// `netcash-paywall`: the zero-code paywall proxy (src/proxy/main.ts, built into dist/).
import '../dist/proxy/main.js';
