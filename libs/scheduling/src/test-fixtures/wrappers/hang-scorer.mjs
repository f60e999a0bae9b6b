#!/usr/bin/env node
// Never finishes on its own: stands for a shard stuck past its timeout. Exits 130 on SIGTERM, as the scorer does.
process.on("SIGTERM", () => process.exit(130));
process.stderr.write(JSON.stringify({ level: "info", msg: "started, never finishing" }) + "\n");
setInterval(() => undefined, 1 << 30);
