#!/usr/bin/env node
import { runMain } from "@fleetscore/cli-support";
import { runCli } from "./cli.js";

// SIGINT/SIGTERM stop taking work and the run exits non-zero (see runMain).
await runMain(runCli);
