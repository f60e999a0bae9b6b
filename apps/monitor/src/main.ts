#!/usr/bin/env node
import { runMain } from "@fleetscore/cli-support";
import { runCli } from "./cli.js";

// SIGINT/SIGTERM stop `watch` (exit 130); the other commands only read.
await runMain(runCli);
