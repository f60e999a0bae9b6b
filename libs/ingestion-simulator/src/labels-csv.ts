import { createWriteStream, type WriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import type { FaultLabel } from "./generate-readings.js";

export const LABELS_CSV_HEADER = "device,sensor,ts,kind";

/** One labels CSV row. Ids cannot hold commas or quotes (contracts' DeviceId), but a malformed event's may: those are quoted. */
export function formatLabelRow(label: FaultLabel): string {
  return [label.deviceId, label.sensorId, label.ts, label.kind].map(csvField).join(",");
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Writes the labels CSV (`device,sensor,ts,kind`) to `<path>.partial`, renamed to `path` by `commit()`:
 * a run that fails leaves no labels file that looks complete (`discard()` removes the partial one).
 */
export class LabelsCsvWriter {
  private readonly out: WriteStream;
  private readonly partial: string;
  count = 0;

  constructor(readonly path: string) {
    this.partial = `${path}.partial`;
    this.out = createWriteStream(this.partial);
    this.out.write(LABELS_CSV_HEADER + "\n");
  }

  write(labels: readonly FaultLabel[]): void {
    for (const l of labels) this.out.write(formatLabelRow(l) + "\n");
    this.count += labels.length;
  }

  async commit(): Promise<void> {
    await this.end();
    await rename(this.partial, this.path);
  }

  async discard(): Promise<void> {
    await this.end().catch(() => undefined);
    await rm(this.partial, { force: true });
  }

  private end(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.once("error", reject);
      this.out.end(() => resolve());
    });
  }
}
