#!/usr/bin/env node
// The package bin: a file in the repository, so npm links it at install time (dist/ is built later).
await import("../dist/main.js");
