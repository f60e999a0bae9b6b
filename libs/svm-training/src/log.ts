import { createLogger } from "@fleetscore/logger";

export const logger = createLogger("fleetscore:svm-training");
