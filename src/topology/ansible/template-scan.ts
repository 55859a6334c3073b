import { groupRefs, variableGroupRefs, type GroupRef } from './jinja-refs.js';

/**
 * Group references in role templates and tasks. A `{% for h in groups['web'] %}` loop whose
 * body emits server/upstream/backend lines or `host:{{ port }}` pairs is a connection from the
 * role's hosts to that group; other references (tasks looping over a group, delegate_to,
 * facts of another group's hosts) are configuration dependencies. Membership tests
 * (`inventory_hostname in groups['x']`) name no other host and are skipped.
 */
export interface TemplateRef {
  group: string;
  index?: number;
  connection: boolean;
  /** Variable names used as ports (`:{{ httpd_port }}`) and literal ports. */
  portVars: string[];
  ports: number[];
  line: number;
}

const CONNECT_WORDS =
  /(?<![\w-])(?:server|servers|upstream|backend|proxy_pass|balancer|nodes|members|peers|seeds|brokers|endpoints?)(?![\w-])|Nodes\s*=/i;
const LISTEN = /^\s*listen\b/im;
const PORT_VAR = /:\s*\{\{-?\s*([A-Za-z_][\w]*)\s*-?\}\}/g;
const PORT_LITERAL = /(?:\}\}|[a-z0-9])\s*:(\d{2,5})\b/gi;
const FOR_TAG = /\{%-?\s*for\s+([A-Za-z_]\w*)(?:\s*,\s*[A-Za-z_]\w*)?\s+in\s+([\s\S]*?)-?%\}/g;
const BLOCK_TAG = /\{%-?\s*(for|endfor)\b[\s\S]*?-?%\}/g;

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function portsIn(body: string, loopVar: string | undefined): { portVars: string[]; ports: number[] } {
  const portVars = new Set<string>();
  const ports = new Set<number>();
  for (const m of body.matchAll(PORT_VAR)) {
    const v = m[1] as string;
    if (v !== loopVar && v !== 'loop' && v !== 'item' && v !== 'inventory_hostname') portVars.add(v);
  }
  for (const m of body.matchAll(PORT_LITERAL)) ports.add(Number(m[1]));
  return { portVars: [...portVars], ports: [...ports] };
}

export function scanTemplate(text: string, kind: 'template' | 'task'): { refs: TemplateRef[]; unresolved: number } {
  const refs: TemplateRef[] = [];
  const consumed: [number, number][] = [];
  for (const m of text.matchAll(FOR_TAG)) {
    const loopVar = m[1] as string;
    const iter = m[2] as string;
    const gr = groupRefs(iter)[0];
    if (gr === undefined || !/^\s*(?:\(\s*)?groups/.test(iter)) continue;
    const headStart = m.index;
    const headEnd = m.index + m[0].length;
    consumed.push([headStart, headEnd]);
    const bodyEnd = matchingEndfor(text, headEnd);
    const body = text.slice(headEnd, bodyEnd);
    const lineStart = text.lastIndexOf('\n', headStart) + 1;
    const context = text.slice(lineStart, headStart) + body;
    const { portVars, ports } = portsIn(body, loopVar);
    const listenOnly = LISTEN.test(body) && !/\bserver\b/i.test(body);
    const connection =
      kind === 'template' && !listenOnly && (CONNECT_WORDS.test(context) || portVars.length > 0 || ports.length > 0);
    refs.push(withIndex({ group: gr.group, connection, portVars, ports, line: lineAt(text, headStart) }, gr));
  }
  for (const gr of groupRefs(text)) {
    if (consumed.some(([a, b]) => gr.offset >= a && gr.offset < b)) continue;
    // `x in groups['g']` tests membership of the current host; it names no other host.
    if (/\bin\s*(?:\(\s*)?$/.test(text.slice(Math.max(0, gr.offset - 12), gr.offset))) continue;
    const lineStart = text.lastIndexOf('\n', gr.offset) + 1;
    const lineEndIdx = text.indexOf('\n', gr.offset);
    const line = text.slice(lineStart, lineEndIdx < 0 ? text.length : lineEndIdx);
    const { portVars, ports } = portsIn(line, undefined);
    const connection =
      kind === 'template' &&
      !LISTEN.test(line) &&
      (CONNECT_WORDS.test(line) || portVars.length > 0 || ports.length > 0);
    refs.push(withIndex({ group: gr.group, connection, portVars, ports, line: lineAt(text, gr.offset) }, gr));
  }
  return { refs, unresolved: variableGroupRefs(text) };
}

function withIndex(r: TemplateRef, gr: GroupRef): TemplateRef {
  if (gr.index !== undefined) r.index = gr.index;
  return r;
}

/** Offset of the `{% endfor %}` closing the loop whose body starts at `from` (end of text if none). */
function matchingEndfor(text: string, from: number): number {
  let depth = 1;
  BLOCK_TAG.lastIndex = from;
  for (let m = BLOCK_TAG.exec(text); m !== null; m = BLOCK_TAG.exec(text)) {
    depth += m[1] === 'for' ? 1 : -1;
    if (depth === 0) return m.index;
  }
  return text.length;
}
