import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const makeTempDir = (): Promise<string> => mkdtemp(join(tmpdir(), "fleetscore-sql-aggregates-"));
