#!/usr/bin/env node
import { runMain } from "@fleetscore/cli-support";
import { runCli } from "./cli.js";

// SIGINT/SIGTERM stop sending after the batch in flight (see runMain).
await runMain(runCli);
