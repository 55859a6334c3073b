/**
 * The LLM planner: one call to an OpenAI-compatible `/chat/completions` endpoint. It returns the
 * model's text parsed as JSON, or why it could not; whether that JSON is a ChangePlan is decided by
 * planner.ts through the schema, never here. The prompt is the seed's (§6.1): a senior SRE, output
 * only a ChangePlan.
 */
import { CHANGE_PLAN_SCHEMA } from '../plan-schema.js';

export interface LlmSettings {
  url: string;
  model: string;
  apiKey?: string | undefined;
  timeoutMs: number;
}

export interface LlmContext {
  summary: string;
  tenant: string;
  evidence: unknown;
  knowledge: unknown[];
  allowedActions: readonly string[];
}

export type LlmOutcome = { ok: true; candidate: unknown; raw: string } | { ok: false; error: string; raw?: string };

const SYSTEM =
  '你是资深 SRE。产出必须是符合 JSON Schema 的 ChangePlan。不要输出自然语言解释。\n' +
  'You are a senior SRE. Output only a JSON ChangePlan that validates against this JSON Schema:\n' +
  JSON.stringify(CHANGE_PLAN_SCHEMA);

/** Text between ```json fences when the model added them, else the text. */
function unfence(text: string): string {
  const m = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  return (m ? m[1]! : text).trim();
}

export async function askLlm(s: LlmSettings, ctx: LlmContext): Promise<LlmOutcome> {
  const user = JSON.stringify({
    problem: ctx.summary,
    tenant: ctx.tenant,
    evidence: ctx.evidence,
    similar_cases_and_runbooks: ctx.knowledge,
    constraints: { allowed_actions: ctx.allowedActions },
  });
  let res: Response;
  try {
    res = await fetch(`${s.url.replace(/\/+$/, '')}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(s.apiKey ? { authorization: `Bearer ${s.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: s.model,
        temperature: 0,
        response_format: { type: 'json_object' },
        messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: user },
        ],
      }),
      signal: AbortSignal.timeout(s.timeoutMs),
    });
  } catch (e) {
    return { ok: false, error: `llm: request failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  const text = await res.text();
  if (!res.ok) return { ok: false, error: `llm: HTTP ${res.status}`, raw: text.slice(0, 2000) };
  let content: unknown;
  try {
    const body = JSON.parse(text) as { choices?: { message?: { content?: unknown } }[] };
    content = body.choices?.[0]?.message?.content;
  } catch {
    return { ok: false, error: 'llm: the response is not JSON', raw: text.slice(0, 2000) };
  }
  if (typeof content !== 'string')
    return { ok: false, error: 'llm: no choices[0].message.content', raw: text.slice(0, 2000) };
  try {
    return { ok: true, candidate: JSON.parse(unfence(content)), raw: content };
  } catch {
    return { ok: false, error: 'llm: the message is not JSON', raw: content.slice(0, 2000) };
  }
}
