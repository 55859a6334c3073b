/**
 * Network endpoints written in variable values: URLs and connection strings
 * (`postgresql://u:p@db1:5432/app`, `mongodb://a:27017,b:27017/db`, JDBC), `host:port`,
 * lists of those (`a:11211,b:11211`), nginx/haproxy-style `server 10.0.0.5:8080 weight=3`,
 * bare host names and IPs. Credentials are never kept.
 */
export interface Endpoint {
  host: string;
  port?: number;
  scheme?: string;
  database?: string;
}

export const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  postgres: 5432,
  postgresql: 5432,
  mysql: 3306,
  mariadb: 3306,
  redis: 6379,
  rediss: 6379,
  mongodb: 27017,
  amqp: 5672,
  amqps: 5671,
  kafka: 9092,
  memcached: 11211,
  http: 80,
  https: 443,
  elasticsearch: 9200,
  zookeeper: 2181,
  etcd: 2379,
  nats: 4222,
  ldap: 389,
  ldaps: 636,
  sqlserver: 1433,
  mssql: 1433,
  oracle: 1521,
  cassandra: 9042,
  clickhouse: 9000,
};

/** Schemes that name a service dependency whatever the variable is called. */
export const SERVICE_SCHEMES = new Set(
  Object.keys(DEFAULT_PORTS)
    .filter((s) => s !== 'http' && s !== 'https')
    .concat(['mongodb+srv', 'pgsql', 'stomp', 'mqtt', 'tcp', 'grpc', 'thrift', 'jdbc']),
);

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*\.?$/i;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

export function isHostLike(s: string): boolean {
  if (IPV4.test(s)) return s.split('.').every((o) => Number(o) <= 255);
  if (s.includes(':')) return /^[0-9a-f:.]+$/i.test(s) && s.split(':').length > 2;
  return HOSTNAME.test(s) && !/^\d+$/.test(s);
}

export function isIp(s: string): boolean {
  return IPV4.test(s) || (s.includes(':') && /^[0-9a-f:.]+$/i.test(s));
}

/** `host`, `host:port`, `[v6]:port`, `v6` -> endpoint (undefined when it is not host-like). */
export function parseHostPort(token: string): Endpoint | undefined {
  const t = token.trim();
  let host = t;
  let port: number | undefined;
  const b = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (b !== null) {
    host = b[1] as string;
    if (b[2] !== undefined) port = Number(b[2]);
  } else {
    const m = /^([^:]+):(\d{1,5})$/.exec(t);
    if (m !== null) {
      host = m[1] as string;
      port = Number(m[2]);
    }
  }
  if (!isHostLike(host)) return undefined;
  if (port !== undefined && (port <= 0 || port > 65535)) return undefined;
  return port === undefined ? { host } : { host, port };
}

/** A URL or connection string; undefined when the value is not one. */
export function parseUrl(value: string): Endpoint[] | undefined {
  const v = value.trim();
  const ora = /^jdbc:oracle:thin:@(?:\/\/)?([^:/\s]+)(?::(\d+))?(?:[/:]([^?\s]+))?$/i.exec(v);
  if (ora !== null) {
    const e: Endpoint = {
      host: ora[1] as string,
      scheme: 'oracle',
      port: ora[2] === undefined ? 1521 : Number(ora[2]),
    };
    if (ora[3] !== undefined) e.database = ora[3];
    return [e];
  }
  const m = /^(?:jdbc:)?([a-z][a-z0-9+.-]*):\/\/([^\s]*)$/i.exec(v);
  if (m === null) return undefined;
  const scheme = (m[1] as string).toLowerCase();
  const rest = m[2] as string;
  const end = rest.search(/[/?#;]/);
  let authority = end < 0 ? rest : rest.slice(0, end);
  const tail = end < 0 ? '' : rest.slice(end);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  let database: string | undefined;
  const path = /^\/([^/?#;]+)/.exec(tail);
  if (path !== null) {
    try {
      database = decodeURIComponent(path[1] as string);
    } catch {
      database = path[1];
    }
  }
  const sqlDb = /;database(?:name)?=([^;]+)/i.exec(tail);
  if (sqlDb !== null) database = sqlDb[1];
  const out: Endpoint[] = [];
  for (const part of authority.split(',')) {
    if (part === '') continue;
    const hp = parseHostPort(part);
    if (hp === undefined) continue;
    const e: Endpoint = { ...hp, scheme };
    if (e.port === undefined && scheme !== 'mongodb+srv') {
      const d = DEFAULT_PORTS[scheme];
      if (d !== undefined) e.port = d;
    }
    if (database !== undefined) e.database = database;
    out.push(e);
  }
  return out.length > 0 ? out : undefined;
}

/**
 * A list of endpoints without scheme: `a:11211,b:11211`, `10.0.0.1 10.0.0.2`,
 * `server 10.0.0.5:8080 weight=3; server b:8080`. Tokens that are not host-like are dropped.
 */
export function parseHostList(value: string): Endpoint[] {
  const out: Endpoint[] = [];
  for (const tok of value.split(/[\s,;]+/)) {
    if (tok === '' || tok.includes('=') || /^(server|upstream|backend|backup|down)$/i.test(tok)) continue;
    const urls = parseUrl(tok);
    if (urls !== undefined) {
      out.push(...urls);
      continue;
    }
    const e = parseHostPort(tok);
    if (e !== undefined) out.push(e);
  }
  return out;
}
