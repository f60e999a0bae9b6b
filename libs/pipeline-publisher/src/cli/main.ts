#!/usr/bin/env node
import { runMain } from "@fleetscore/cli-support";
import { runPublisherCli } from "./program.js";

await runMain((argv, io) => runPublisherCli(argv, io));
