/**
 * Sections to chunks: one chunk per section when it fits `maxChars`, else pieces packed from its
 * paragraphs (a paragraph too long on its own is cut at sentence, then word boundaries), each piece
 * after the first starting with the last ~`overlapChars` of the one before, so a sentence cut at a
 * boundary is still found whole in one chunk. Pure.
 */
import type { ChunkSettings } from './config.js';
import type { Section } from './parse.js';
import { urnsIn } from './urns.js';

export interface Chunk {
  idx: number;
  /** The section's heading path joined with ` › ` ('' before the first heading). */
  heading: string;
  content: string;
  /** Resource URNs this chunk mentions. */
  urns: string[];
}

export const HEADING_SEPARATOR = ' › ';

export function chunkSections(sections: readonly Section[], s: ChunkSettings): Chunk[] {
  const out: Chunk[] = [];
  for (const sec of sections) {
    const heading = sec.headings.join(HEADING_SEPARATOR);
    for (const content of splitText(sec.text, s)) {
      out.push({ idx: out.length, heading, content, urns: urnsIn(`${heading}\n${content}`) });
    }
  }
  return out;
}

export function splitText(text: string, s: ChunkSettings): string[] {
  const t = text.trim();
  if (t.length <= s.maxChars) return t ? [t] : [];
  // Room for the overlap carried into each following piece.
  const budget = Math.max(50, s.maxChars - s.overlapChars);
  const pieces: string[] = [];
  let cur = '';
  for (const unit of units(t, budget)) {
    if (cur && cur.length + 2 + unit.length > budget) {
      pieces.push(cur);
      cur = unit;
    } else cur = cur ? `${cur}\n\n${unit}` : unit;
  }
  if (cur) pieces.push(cur);
  return pieces.map((p, i) => (i === 0 || s.overlapChars === 0 ? p : `${tail(pieces[i - 1]!, s.overlapChars)} ${p}`));
}

/** Paragraphs no longer than `max`: long ones cut at sentence ends, then at spaces, then hard. */
function units(text: string, max: number): string[] {
  const out: string[] = [];
  for (const para of text.split(/\n[ \t]*\n/)) {
    const p = para.trim();
    if (!p) continue;
    if (p.length <= max) {
      out.push(p);
      continue;
    }
    let cur = '';
    for (const sentence of p.split(/(?<=[.!?。])\s+/)) {
      for (const part of sentence.length <= max ? [sentence] : hardSplit(sentence, max)) {
        if (cur && cur.length + 1 + part.length > max) {
          out.push(cur);
          cur = part;
        } else cur = cur ? `${cur} ${part}` : part;
      }
    }
    if (cur) out.push(cur);
  }
  return out;
}

function hardSplit(s: string, max: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (rest.length > max) {
    let cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    out.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) out.push(rest);
  return out;
}

/** The last ~n characters of `s`, starting at a word boundary. */
function tail(s: string, n: number): string {
  if (s.length <= n) return s;
  const from = s.length - n;
  const space = s.indexOf(' ', from);
  return (space >= 0 && space < s.length - 1 ? s.slice(space + 1) : s.slice(from)).replace(/\s+/g, ' ');
}
