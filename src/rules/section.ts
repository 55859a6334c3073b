import { z } from 'zod';

/**
 * The `rules:` section as config/schema.ts sees it: a list, each entry checked by parseRules
 * (src/rules/config.ts) so that one broken rule is reported with its path without hiding the others.
 * Kept apart from config.ts so the config schema does not import the rules module (an import cycle).
 */
export const rulesSectionSchema = z.array(z.unknown()).max(10_000).optional();
