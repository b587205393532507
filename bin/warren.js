#!/usr/bin/env node
// Entry point of the `warren` command (compiled sources in dist/).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
