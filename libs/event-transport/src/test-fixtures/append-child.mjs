// Appends readings to an event log from a separate process, through the built package (dist), as the
// simulator would. Usage: node append-child.mjs <log path> <writer name> <batches> <batch size> [delay ms]
import { LocalEventLog } from "../../dist/index.js";

const [path, writer, batches, batchSize, delayMs = "0"] = process.argv.slice(2);
const log = await LocalEventLog.open(path);
let n = 0;
for (let b = 0; b < Number(batches); b++) {
  const readings = [];
  for (let i = 0; i < Number(batchSize); i++, n++) {
    readings.push({ deviceId: `${writer}-${n % 13}`, sensorId: "s1", ts: new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString(), value: n });
  }
  await log.append(readings);
  if (Number(delayMs) > 0) await new Promise((r) => setTimeout(r, Number(delayMs)));
}
await log.close();
process.stdout.write(`${writer} appended ${n}\n`);
