#!/usr/bin/env node
// Detector accuracy benchmark (build first: `npx tsc -b bench`). Usage: node bench/detector/run.js [--trials 200] [--seed 1]
import '../dist/detector/main.js';
