#!/usr/bin/env node
// `netcash-merchant`: the publisher's books and cash-outs (src/cli/main.ts, built into dist/).
import '../dist/cli/main.js';
