/**
 * Ansible host patterns in inventories: `name[:port]`, `[ipv6]:port`, and ranges
 * (`www[01:50].example.com`, `db-[a:f]`, `mail[:5]`, `x[1:9:2]`), expanded as
 * ansible-core's `expand_hostname_range` does (inclusive, zero padding kept, start defaults to 0).
 */
export class HostPatternError extends Error {}

export function parseHostPattern(pattern: string): { hosts: string[]; port: number | undefined } {
  let host = pattern.trim();
  let port: number | undefined;
  const bracketed = /^\[(.+)\]:(\d+)$/.exec(host);
  const hostport = /^((?:[^:[\]]|\[[^\]]*\])*):(\d+)$/.exec(host);
  // `[fe80::1]:22` is an IPv6 address with a port; `[1:3]:22` would be a range (begin:end[:step]).
  if (bracketed !== null && !/^(?:\d*|[a-z]):(?:\d+|[a-z])(?::\d+)?$/i.test(bracketed[1] as string)) {
    host = bracketed[1] as string;
    port = Number(bracketed[2]);
    return { hosts: [host], port };
  }
  if (hostport !== null) {
    host = hostport[1] as string;
    port = Number(hostport[2]);
  } else if (host.endsWith(':')) {
    throw new HostPatternError(
      `Invalid host pattern '${pattern}' supplied, ending in ':' is not allowed, this character is reserved to provide a port.`,
    );
  }
  if (host === '') throw new HostPatternError(`Not a valid network hostname: ${pattern}`);
  // A bare IPv6 address (several colons outside brackets) is not a range.
  if (!host.includes('[')) return { hosts: [host], port };
  return { hosts: expandHostRange(host), port };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function expandHostRange(line: string): string[] {
  const open = line.indexOf('[');
  const close = line.indexOf(']', open);
  if (open < 0 || close < 0) return [line];
  const head = line.slice(0, open);
  const nrange = line.slice(open + 1, close);
  const tail = line.slice(close + 1);
  const bounds = nrange.split(':');
  if (bounds.length !== 2 && bounds.length !== 3)
    throw new HostPatternError('host range must be begin:end or begin:end:step');
  let beg = bounds[0] as string;
  const end = bounds[1] as string;
  const step = bounds.length === 3 ? Number(bounds[2]) : 1;
  if (beg === '') beg = '0';
  if (end === '') throw new HostPatternError('host range must specify end value');
  if (!Number.isInteger(step) || step <= 0)
    throw new HostPatternError(`host range step must be a positive integer: ${nrange}`);
  let fill = (x: string | number): string => String(x);
  if (beg[0] === '0' && beg.length > 1) {
    const rlen = beg.length;
    if (rlen !== end.length) throw new HostPatternError('host range must specify equal-length begin and end formats');
    fill = (x) => String(x).padStart(rlen, '0');
  }
  let seq: (string | number)[];
  const ib = beg.length === 1 ? LETTERS.indexOf(beg) : -1;
  const ie = end.length === 1 ? LETTERS.indexOf(end) : -1;
  if (ib >= 0 && ie >= 0) {
    if (ib > ie) throw new HostPatternError('host range must have begin <= end');
    seq = [];
    for (let i = ib; i <= ie; i += step) seq.push(LETTERS[i] as string);
  } else {
    if (!/^\d+$/.test(beg) || !/^\d+$/.test(end)) throw new HostPatternError(`invalid host range: [${nrange}]`);
    seq = [];
    for (let i = Number(beg); i <= Number(end); i += step) seq.push(i);
  }
  const out: string[] = [];
  for (const r of seq) {
    const name = head + fill(r) + tail;
    if (name.includes('[')) out.push(...expandHostRange(name));
    else out.push(name);
  }
  return out;
}
