/**
 * Where browser journeys put their screenshots, to look at after a run: $SHOTS_DIR, else `.test-results/shots`
 * (beside the run's report, inside the checkout wherever it lives). Created on import.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export const SHOTS = path.resolve(process.env.SHOTS_DIR ?? '.test-results/shots');
mkdirSync(SHOTS, { recursive: true });
