#!/usr/bin/env node
import { runMain } from "@fleetscore/cli-support";
import { runInfraCli } from "./program.js";

await runMain((argv, io) => runInfraCli(argv, io));
