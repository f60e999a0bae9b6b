import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { OperationOptions } from "@fleetscore/contracts";
import { BatchScoringError } from "./batch-scoring-error.js";

/** Where a run writes its files. Folder today; Blob storage joins behind the same interface. */
export interface RunOutput {
  /** Human-readable location of the run's folder. */
  readonly location: string;
  /**
   * Writes one file of the run so that readers only ever see it complete.
   * @throws BatchScoringError `OutputFailed`.
   */
  writeFile(name: string, content: string, options?: OperationOptions): Promise<void>;
}

/**
 * The run folder `<outDir>/<runId>/`. Each file is written under a temporary name and renamed into
 * place, so a crash never leaves a partial file under its final name.
 */
export class FolderRunOutput implements RunOutput {
  readonly location: string;

  private constructor(dir: string) {
    this.location = dir;
  }

  static async create(outDir: string, runId: string, options: OperationOptions = {}): Promise<FolderRunOutput> {
    options.abortSignal?.throwIfAborted();
    const dir = join(resolve(outDir), runId);
    try {
      await mkdir(dir, { recursive: true });
    } catch (e) {
      throw new BatchScoringError(`Cannot create run folder ${dir}: ${(e as Error).message}`, "OutputFailed", { cause: e });
    }
    return new FolderRunOutput(dir);
  }

  async writeFile(name: string, content: string, options: OperationOptions = {}): Promise<void> {
    options.abortSignal?.throwIfAborted();
    const target = join(this.location, name);
    const temp = `${target}.${process.pid}.tmp`;
    try {
      await writeFile(temp, content);
      await rename(temp, target);
    } catch (e) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw new BatchScoringError(`Cannot write ${target}: ${(e as Error).message}`, "OutputFailed", { cause: e });
    }
  }
}
