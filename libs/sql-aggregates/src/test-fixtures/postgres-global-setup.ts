import type { TestProject } from "vitest/node";
import { startTestPostgres } from "../testing/test-postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** `postgres://postgres@127.0.0.1:<port>/fleetscore`: a superuser on a server started for this project. */
    postgresUrl: string;
  }
}

/**
 * Starts one PostgreSQL server (initdb on a temp dir, a free port on 127.0.0.1) for this vitest project,
 * provides its URL (`inject("postgresUrl")`; tests create their own databases on it), and disposes of it
 * afterwards. Fails, naming what to install, when the PostgreSQL server binaries are missing: the
 * PostgreSQL tests are never skipped silently.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startTestPostgres();
  project.provide("postgresUrl", server.url);
  return () => server.dispose();
}
