import { Logger } from '@aws-lambda-powertools/logger';

// One structured JSON logger per process; level and service name come from POWERTOOLS_* variables.
export const logger = new Logger();
