#!/usr/bin/env node
import { runMain } from "@fleetscore/cli-support";
import { runCli } from "./cli.js";

// SIGINT/SIGTERM stop reading; what was read is saved first (see runMain).
await runMain(runCli);
