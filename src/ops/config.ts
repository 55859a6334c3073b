/**
 * `ops:` in the config file: the OPS agent (src/ops). Every field is optional; the defaults make an
 * embedded agent with an in-process bus, template planner, dry-run executor and a gate that
 * auto-approves low-risk plans. One line in src/config/schema.ts mounts it.
 */
import { z } from 'zod';
import { isDuration, parseDuration } from '../core/duration.js';

// The same field as config/schema.ts's `duration`; imported from there it would close an import
// cycle (schema.ts mounts this file), so it is rebuilt from the same two functions.
const duration = z
  .string()
  .refine(isDuration, { message: 'must be a duration such as 30s, 5m, 1h or 7d' })
  .transform((s) => parseDuration(s));

const subject = z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$|^$/, 'must be dot-separated tokens');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24h, UTC)');
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const actions = z.array(z.enum(['k8s.rollout', 'script.exec', 'gateway.flip', 'noop']));

export const opsConfigSchema = z
  .object({
    /** @defaultValue true */
    enabled: z.boolean().optional(),
    /**
     * The agent's own consumers act on cmd.* (plan, gate, execute, verify) so a case runs to its end
     * unattended; off, a human or a script calls /plan/generate, /gate/eval, ... @defaultValue false
     */
    auto_drive: z.boolean().optional(),
    bus: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('inprocess') }).strict(),
        z
          .object({
            kind: z.literal('nats'),
            /** @defaultValue nats://127.0.0.1:4222 */
            url: z.string().min(1).optional(),
            /** JetStream stream holding evt.> and cmd.> @defaultValue OBSERVEBRIDGE_OPS */
            stream: z
              .string()
              .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -')
              .optional(),
            /** Put before every subject (`staging.` → `staging.evt.case.transition.v1`). @defaultValue '' */
            subject_prefix: subject.optional(),
            /** Durable consumer names get this prefix. @defaultValue observebridge */
            durable_prefix: z
              .string()
              .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -')
              .optional(),
          })
          .strict(),
      ])
      .optional(),
    relay: z
      .object({
        /** How often the relay looks for rows other processes wrote. @defaultValue 1s */
        poll: duration.optional(),
        /** @defaultValue 100 */
        batch: z.number().int().min(1).max(10_000).optional(),
      })
      .strict()
      .optional(),
    planner: z
      .object({
        /** An OpenAI-compatible chat endpoint for `planner: llm`. */
        llm: z
          .object({
            /** Base URL; `/chat/completions` is appended. */
            url: z.string().url(),
            model: z.string().min(1),
            /** Name of the environment variable holding the API key (never the key itself). */
            api_key_env: z.string().optional(),
            /** @defaultValue 30s */
            timeout: duration.optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    gatekeeper: z
      .object({
        /** Plans whose risk score is below this are approved without a human. @defaultValue 0.5 */
        auto_approve_below: z.number().min(0).max(1).optional(),
        /** @defaultValue every action */
        allowed_actions: actions.optional(),
        /** Per tenant code: overrides allowed_actions. */
        tenants: z.record(z.string(), z.object({ allowed_actions: actions.optional() }).strict()).optional(),
        /** Changes are allowed only inside one of these (UTC); none means always. */
        change_windows: z
          .array(z.object({ days: z.array(z.enum(DAYS)).min(1).optional(), from: hhmm, to: hhmm }).strict())
          .optional(),
        /** Change freezes: no change at all inside them. */
        freeze: z
          .array(
            z
              .object({ from: z.string().datetime({ offset: true }), to: z.string().datetime({ offset: true }) })
              .strict(),
          )
          .optional(),
      })
      .strict()
      .optional(),
    executor: z
      .object({
        /** Steps are recorded but nothing runs. @defaultValue true */
        dry_run: z.boolean().optional(),
        /** Where step output goes (rows keep a reference). @defaultValue ./.observebridge/ops-output */
        output_dir: z.string().min(1).optional(),
        script: z
          .object({
            /** Command names script.exec may run (no shell; matched on the program name). @defaultValue [] */
            allow: z.array(z.string().regex(/^[A-Za-z0-9_.+-]+$/, 'must be a program name')).optional(),
          })
          .strict()
          .optional(),
        /** HTTP webhook per action (k8s.rollout, gateway.flip, ...): the step is POSTed there. */
        webhooks: z
          .record(z.string(), z.object({ url: z.string().url(), token_env: z.string().optional() }).strict())
          .optional(),
        /** Pause between a failed attempt and the next. @defaultValue 1s */
        retry_delay: duration.optional(),
      })
      .strict()
      .optional(),
    verifier: z
      .object({
        /** Windows read when a plan's verify block does not say. @defaultValue 3 */
        windows: z.number().int().min(1).max(288).optional(),
        /** Only windows this recent count. @defaultValue 30m */
        max_age: duration.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type OpsConfig = z.output<typeof opsConfigSchema>;
