// `usage` of a Responses object: input/output tokens with their details.
import type { Usage } from '../../events/types.js';
import { readUsage } from '../usage-shape.js';

const NAMES = { input: 'input_tokens', output: 'output_tokens', inputDetails: 'input_tokens_details', outputDetails: 'output_tokens_details' };

export const responsesUsage = (usage: unknown): Usage | null => readUsage(usage, NAMES);
