// `usage` of a chat completion (or its final stream chunk); also what embeddings report.
import type { Usage } from '../../events/types.js';
import { readUsage } from '../usage-shape.js';

const NAMES = { input: 'prompt_tokens', output: 'completion_tokens', inputDetails: 'prompt_tokens_details', outputDetails: 'completion_tokens_details' };

export const chatUsage = (usage: unknown): Usage | null => readUsage(usage, NAMES);
