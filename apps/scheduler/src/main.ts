#!/usr/bin/env node
import { runMain } from "@fleetscore/cli-support";
import { runCli } from "./cli.js";

// SIGINT/SIGTERM drain: no new runs or shard attempts; running shards finish (see runMain).
await runMain(runCli);
