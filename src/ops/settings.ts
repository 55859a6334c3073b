/** The `ops:` config with every default filled in, once, for the roles to read. */
import { parseDuration } from '../core/duration.js';
import type { OpsConfig } from './config.js';
import type { PlanAction } from './plan-schema.js';

export const ALL_ACTIONS: readonly PlanAction[] = ['noop', 'script.exec', 'k8s.rollout', 'gateway.flip'];

export interface OpsSettings {
  enabled: boolean;
  autoDrive: boolean;
  bus:
    { kind: 'inprocess' } | { kind: 'nats'; url: string; stream: string; subjectPrefix: string; durablePrefix: string };
  relay: { pollMs: number; batch: number };
  llm?: { url: string; model: string; apiKeyEnv?: string | undefined; timeoutMs: number } | undefined;
  gate: {
    autoApproveBelow: number;
    allowedActions: readonly PlanAction[];
    tenants: Record<string, { allowed_actions?: PlanAction[] | undefined }>;
    changeWindows: { days?: string[] | undefined; from: string; to: string }[];
    freeze: { from: number; to: number }[];
  };
  executor: {
    dryRun: boolean;
    outputDir: string;
    scriptAllow: readonly string[];
    webhooks: Record<string, { url: string; token_env?: string | undefined }>;
    retryDelayMs: number;
  };
  verifier: { windows: number; maxAgeMs: number };
}

export function opsSettings(c: OpsConfig | undefined): OpsSettings {
  const o = c ?? {};
  const bus = o.bus;
  return {
    enabled: o.enabled ?? true,
    autoDrive: o.auto_drive ?? false,
    bus:
      bus?.kind === 'nats'
        ? {
            kind: 'nats',
            url: bus.url ?? 'nats://127.0.0.1:4222',
            stream: bus.stream ?? 'OBSERVEBRIDGE_OPS',
            subjectPrefix: bus.subject_prefix ?? '',
            durablePrefix: bus.durable_prefix ?? 'observebridge',
          }
        : { kind: 'inprocess' },
    relay: { pollMs: o.relay?.poll ?? 1000, batch: o.relay?.batch ?? 100 },
    llm: o.planner?.llm
      ? {
          url: o.planner.llm.url,
          model: o.planner.llm.model,
          apiKeyEnv: o.planner.llm.api_key_env,
          timeoutMs: o.planner.llm.timeout ?? parseDuration('30s'),
        }
      : undefined,
    gate: {
      autoApproveBelow: o.gatekeeper?.auto_approve_below ?? 0.5,
      allowedActions: o.gatekeeper?.allowed_actions ?? ALL_ACTIONS,
      tenants: o.gatekeeper?.tenants ?? {},
      changeWindows: o.gatekeeper?.change_windows ?? [],
      freeze: (o.gatekeeper?.freeze ?? []).map((f) => ({ from: Date.parse(f.from), to: Date.parse(f.to) })),
    },
    executor: {
      dryRun: o.executor?.dry_run ?? true,
      outputDir: o.executor?.output_dir ?? './.observebridge/ops-output',
      scriptAllow: o.executor?.script?.allow ?? [],
      webhooks: o.executor?.webhooks ?? {},
      retryDelayMs: o.executor?.retry_delay ?? 1000,
    },
    verifier: { windows: o.verifier?.windows ?? 3, maxAgeMs: o.verifier?.max_age ?? parseDuration('30m') },
  };
}
