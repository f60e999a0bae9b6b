import { createLogger } from "@fleetscore/logger";

export const logger = createLogger("fleetscore:batch-scoring");
