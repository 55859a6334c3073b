/**
 * Python's `shlex.split(line, comments=True)` (posix mode), which ansible's INI plugin uses for
 * host lines: quotes group words, a backslash escapes outside single quotes, `#` starts a
 * comment even inside an unquoted word.
 */
export class ShlexError extends Error {}

export function shlexSplit(line: string): string[] {
  const out: string[] = [];
  let token = '';
  let inToken = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote !== undefined) {
      if (c === quote) {
        quote = undefined;
        continue;
      }
      if (quote === '"' && c === '\\') {
        const n = line[i + 1];
        if (n === undefined) throw new ShlexError('No escaped character');
        // Inside double quotes only \" and \\ are escapes; other backslashes stay.
        if (n === '"' || n === '\\') {
          token += n;
          i++;
          continue;
        }
        token += c;
        continue;
      }
      token += c;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (inToken) out.push(token);
      token = '';
      inToken = false;
      continue;
    }
    if (c === '#') break;
    if (c === '"' || c === "'") {
      quote = c;
      inToken = true;
      continue;
    }
    if (c === '\\') {
      const n = line[i + 1];
      if (n === undefined) throw new ShlexError('No escaped character');
      token += n;
      inToken = true;
      i++;
      continue;
    }
    token += c;
    inToken = true;
  }
  if (quote !== undefined) throw new ShlexError('No closing quotation');
  if (inToken) out.push(token);
  return out;
}
