#!/usr/bin/env node
// Command line entry of the simulated web (filled in below).
export {};
