#!/usr/bin/env node
import { runMain } from "@fleetscore/cli-support";
import { runPeerCli } from "./cli.js";

await runMain(runPeerCli);
