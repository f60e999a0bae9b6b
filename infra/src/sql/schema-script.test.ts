import { MIGRATIONS, MIGRATIONS_TABLE } from "@fleetscore/sql-aggregates";
import { describe, expect, it } from "vitest";
import { resourceNames, schemaScript } from "../index.js";
import { testParameters } from "../test-fixtures/parameters.js";

const parameters = testParameters();
const names = resourceNames(parameters);
const script = schemaScript(parameters, names);
const batches = script.split(/^GO$/m);

describe("the SQL schema script", () => {
  it("applies the aggregator's own migrations (mssql dialect), in version order, each once and recorded as the aggregator records it", () => {
    const migrationBatches = batches.filter((b) => b.includes("-- Migration "));
    const inOrder = [...MIGRATIONS].sort((a, b) => a.version - b.version);
    expect(migrationBatches.map((b) => /-- Migration (\d+):/.exec(b)![1])).toEqual(inOrder.map((m) => String(m.version)));
    for (const [i, m] of inOrder.entries()) {
      const batch = migrationBatches[i]!;
      expect(batch, `migration ${m.version}`).toContain(`IF NOT EXISTS (SELECT 1 FROM ${MIGRATIONS_TABLE} WHERE version = ${m.version})`);
      // Exactly the migration's statements, in its order (N'...' literals, quotes doubled): nothing dropped, changed or added.
      const executed = [...batch.matchAll(/EXEC\(N'((?:[^']|'')*)'\);/g)].map((e) => e[1]!.replace(/''/g, "'"));
      expect(executed, `migration ${m.version}`).toEqual(m.statements.mssql);
      expect(batch).toContain(`INSERT INTO ${MIGRATIONS_TABLE} (version, name) VALUES (${m.version}, N'${m.name.replace(/'/g, "''")}');`);
      expect(batch).toMatch(/BEGIN TRANSACTION;[\s\S]*COMMIT;/);
    }
  });

  it("makes a replayed Stream Analytics window harmless: IGNORE_DUP_KEY on both unique indexes of the natural key, after the migrations", () => {
    const latestKey = MIGRATIONS.flatMap((m) => m.statements.mssql).filter((s) => /window_aggregates/.test(s) && /PRIMARY KEY|UNIQUE CLUSTERED INDEX/.test(s)).at(-1)!;
    // The migrations' last definitions of the two indexes are the ones the script alters.
    expect(latestKey).toContain("(device_id, sensor_id, window_end, window_start)");
    expect(MIGRATIONS.flatMap((m) => m.statements.mssql).join("\n")).toMatch(/IX_window_aggregates_window_end[\s\S]*PK_window_aggregates/);
    const ignore = script.indexOf("ALTER INDEX IX_window_aggregates_window_end ON window_aggregates REBUILD WITH (IGNORE_DUP_KEY = ON);");
    expect(ignore).toBeGreaterThan(script.lastIndexOf("-- Migration"));
    expect(script).toContain("ALTER INDEX PK_window_aggregates ON window_aggregates REBUILD WITH (IGNORE_DUP_KEY = ON);");
  });

  it("registers the job's window size, and the 1 m job's when the window is 1 m", () => {
    expect(script).toContain("IF NOT EXISTS (SELECT 1 FROM window_sizes WHERE window_ms = 5000) INSERT INTO window_sizes (window_ms) VALUES (5000);");
    const oneMinute = testParameters({ streamAnalytics: { window: "1m" } });
    expect(schemaScript(oneMinute, resourceNames(oneMinute))).toContain("VALUES (60000);");
  });

  it("creates the identities' database users with DML grants only (no DDL, no DELETE, no role membership)", () => {
    for (const user of [names.aggregatorIdentity, names.scorerIdentity, names.streamAnalyticsJob]) {
      expect(script).toContain(`IF DATABASE_PRINCIPAL_ID(N'${user}') IS NULL CREATE USER [${user}] FROM EXTERNAL PROVIDER;`);
    }
    const grants = script.split("\n").filter((l) => l.startsWith("GRANT"));
    expect(grants.filter((g) => g.includes(`[${names.scorerIdentity}]`)).every((g) => /^GRANT SELECT ON /.test(g))).toBe(true);
    expect(grants.find((g) => g.endsWith(`TO [${names.streamAnalyticsJob}];`))).toBe("GRANT SELECT, INSERT ON window_aggregates TO [fleetscore-test-asa];");
    expect(script).not.toMatch(/GRANT [^\n]*(DELETE|ALTER|CONTROL)|sp_addrolemember|ALTER ROLE/);
    expect(script).not.toMatch(/PASSWORD/i);
  });
});
