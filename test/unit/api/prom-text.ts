/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: it throws on anything
 * a Prometheus server would reject (bad names, escapes, values, a TYPE after samples, duplicate
 * series, samples of a family that are not contiguous, histogram series that do not belong).
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help?: string;
  samples: Sample[];
}

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/**
 * Values as Prometheus reads them (Go's strconv.ParseFloat): decimal floats, and NaN / ±Inf in any
 * letter case (prom-client writes `Nan` for NaN, which Prometheus accepts).
 */
function parseValue(s: string, line: number): number {
  const lower = s.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf' || lower === '+infinity' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`line ${line}: bad value '${s}'`);
  return Number(s);
}

function unescapeHelp(s: string, line: number): string {
  return s.replace(/\\(.)/g, (_m, c: string) => {
    if (c === 'n') return '\n';
    if (c === '\\') return '\\';
    throw new Error(`line ${line}: bad escape \\${c} in HELP`);
  });
}

/** The family a sample belongs to, given the declared types. */
function familyOf(name: string, types: Map<string, Family['type']>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const t = types.get(base);
      if (t === 'histogram' || (t === 'summary' && suffix !== '_bucket')) return base;
    }
  }
  return name;
}

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const types = new Map<string, Family['type']>();
  const seen = new Set<string>();
  const closed = new Set<string>();
  let current: string | undefined;
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const ln = i + 1;
    if (raw.trim() === '') continue;
    if (raw.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(raw);
      if (!m) continue; // an ordinary comment
      const [, kind, name, rest = ''] = m;
      if (!METRIC.test(name!)) throw new Error(`line ${ln}: bad metric name '${name}'`);
      let fam = families.get(name!);
      if (!fam) families.set(name!, (fam = { name: name!, type: 'untyped', samples: [] }));
      if (kind === 'TYPE') {
        if (types.has(name!)) throw new Error(`line ${ln}: second TYPE for ${name}`);
        if (fam.samples.length > 0) throw new Error(`line ${ln}: TYPE for ${name} after its samples`);
        if (!TYPES.has(rest.trim())) throw new Error(`line ${ln}: bad type '${rest}'`);
        types.set(name!, rest.trim() as Family['type']);
        fam.type = rest.trim() as Family['type'];
      } else {
        if (fam.help !== undefined) throw new Error(`line ${ln}: second HELP for ${name}`);
        fam.help = unescapeHelp(rest, ln);
      }
      continue;
    }
    const s = parseSample(raw, ln);
    const famName = familyOf(s.name, types);
    if (current !== famName) {
      if (current !== undefined) closed.add(current);
      if (closed.has(famName)) throw new Error(`line ${ln}: samples of ${famName} are not contiguous`);
      current = famName;
    }
    let fam = families.get(famName);
    if (!fam) families.set(famName, (fam = { name: famName, type: 'untyped', samples: [] }));
    if (fam.type === 'histogram' && s.name === famName)
      throw new Error(`line ${ln}: bare sample of histogram ${famName}`);
    if (fam.type === 'histogram' && s.name.endsWith('_bucket') && s.labels.le === undefined) {
      throw new Error(`line ${ln}: histogram bucket without le`);
    }
    const key = `${s.name}{${Object.entries(s.labels)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
    if (seen.has(key)) throw new Error(`line ${ln}: duplicate series ${key}`);
    seen.add(key);
    fam.samples.push(s);
  }
  return families;
}

function parseSample(raw: string, ln: number): Sample {
  const nameM = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(raw);
  if (!nameM) throw new Error(`line ${ln}: bad sample '${raw}'`);
  const name = nameM[0];
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (raw[pos] === '{') {
    pos++;
    for (;;) {
      while (raw[pos] === ' ') pos++;
      if (raw[pos] === '}') {
        pos++;
        break;
      }
      const lm = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(raw.slice(pos));
      if (!lm || !LABEL.test(lm[0])) throw new Error(`line ${ln}: bad label name at ${pos}`);
      const lname = lm[0];
      pos += lname.length;
      if (raw[pos] !== '=' || raw[pos + 1] !== '"') throw new Error(`line ${ln}: expected =" after ${lname}`);
      pos += 2;
      let val = '';
      for (;;) {
        const c = raw[pos];
        if (c === undefined) throw new Error(`line ${ln}: unterminated label value`);
        if (c === '"') {
          pos++;
          break;
        }
        if (c === '\\') {
          const n = raw[pos + 1];
          if (n === '\\') val += '\\';
          else if (n === '"') val += '"';
          else if (n === 'n') val += '\n';
          else throw new Error(`line ${ln}: bad escape in label value`);
          pos += 2;
          continue;
        }
        val += c;
        pos++;
      }
      if (lname in labels) throw new Error(`line ${ln}: label ${lname} twice`);
      labels[lname] = val;
      if (raw[pos] === ',') pos++;
      else if (raw[pos] !== '}') throw new Error(`line ${ln}: expected , or } at ${pos}`);
    }
  }
  if (raw[pos] !== ' ') throw new Error(`line ${ln}: expected a space before the value`);
  const parts = raw.slice(pos).trim().split(/\s+/);
  if (parts.length < 1 || parts.length > 2) throw new Error(`line ${ln}: expected value [timestamp]`);
  const value = parseValue(parts[0]!, ln);
  const sample: Sample = { name, labels, value };
  if (parts[1] !== undefined) {
    if (!/^-?\d+$/.test(parts[1])) throw new Error(`line ${ln}: bad timestamp`);
    sample.timestamp = Number(parts[1]);
  }
  return sample;
}
