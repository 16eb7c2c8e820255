#!/usr/bin/env node
// The published entry point: runs the prebuilt CLI from dist/ (built on prepare/prepack).
import { run } from '../dist/cli/main.js';

process.exitCode = await run(process.argv);
