import type { Attrs } from '../../core/records.js';
import type { Rng } from './prng.js';

/** What a template produces; the generator adds time, resource and trace context. */
export interface LogLine {
  severity: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  body: string;
  attrs: Attrs;
}

export interface LogTemplate {
  /** Services that emit it; undefined = any service. */
  services?: readonly string[];
  weight: number;
  make(rng: Rng, service: string): LogLine;
}

const NO_ATTRS = (): Attrs => ({});

export const ip = (r: Rng): string => `10.${r.range(0, 255)}.${r.range(0, 255)}.${r.range(1, 254)}`;
const publicIp = (r: Rng): string => `${r.range(11, 223)}.${r.range(0, 255)}.${r.range(0, 255)}.${r.range(1, 254)}`;
export const ms = (r: Rng, median: number): string => r.lognormal(median, 0.6).toFixed(1);
const id = (r: Rng): number => r.range(100000, 9999999);
const sku = (r: Rng): string => `SKU-${r.range(10000, 99999)}`;
const amount = (r: Rng): string => (r.range(199, 49999) / 100).toFixed(2);
const uuid = (r: Rng): string => {
  const h = r.hex16() + r.hex16();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const PATHS = ['/api/products/{id}', '/api/cart', '/api/checkout', '/api/account', '/api/home', '/api/search'];
const path = (r: Rng): string => r.pick(PATHS).replace('{id}', String(r.range(1000, 99999)));
const CARRIERS = ['dhl', 'ups', 'fedex', 'postnl'];
const HANDLERS = ['OrderController.create', 'CartService.merge', 'PriceRules.apply', 'ProfileMapper.toDto'];

const t = (
  weight: number,
  services: readonly string[] | undefined,
  make: (r: Rng, svc: string) => LogLine,
): LogTemplate => (services === undefined ? { weight, make } : { weight, services, make });
const line = (severity: LogLine['severity'], body: string, attrs: Attrs = NO_ATTRS()): LogLine => ({
  severity,
  body,
  attrs,
});

/** A few dozen message shapes with variables (ids, IPs, durations, paths); roughly 4% ERROR and 10% WARN. */
export const LOG_TEMPLATES: readonly LogTemplate[] = [
  t(60, ['frontend', 'api-gateway'], (r) => {
    const method = r.pick(['GET', 'GET', 'GET', 'POST']);
    const p = path(r);
    const status = r.chance(0.97) ? 200 : r.pick([400, 404, 429]);
    return line(status === 200 ? 'INFO' : 'WARN', `${method} ${p} ${status} ${ms(r, 18)}ms`, {
      'http.request.method': method,
      'url.path': p,
      'http.response.status_code': status,
    });
  }),
  t(20, ['frontend'], (r) => line('INFO', `request ${uuid(r)} from ${publicIp(r)} took ${ms(r, 25)}ms`)),
  t(14, ['api-gateway'], (r) =>
    line('DEBUG', `upstream ${r.pick(['catalog', 'cart', 'checkout', 'auth'])} responded 200 in ${ms(r, 4)}ms`),
  ),
  t(4, ['api-gateway'], (r) => {
    const p = path(r);
    return line('WARN', `rate limit exceeded for client ${publicIp(r)} on ${p}`, { 'url.path': p });
  }),
  t(10, ['auth'], (r) => line('INFO', `user ${id(r)} logged in from ${publicIp(r)}`)),
  t(18, ['auth'], (r) => line('DEBUG', `token validated for user ${id(r)} in ${ms(r, 0.4)}ms`)),
  t(3, ['auth'], (r) => line('WARN', `invalid token from ${publicIp(r)}: signature mismatch`)),
  t(12, ['catalog'], (r) => line('DEBUG', `cache miss for key product:${r.range(1000, 99999)}`)),
  t(3, ['catalog'], (r) =>
    line('INFO', `cache hit ratio ${r.range(70, 99)}% over last ${r.range(1000, 5000)} requests`),
  ),
  t(10, ['cart'], (r) => line('INFO', `added item ${sku(r)} x${r.range(1, 5)} to cart ${uuid(r)}`)),
  t(2, ['cart'], (r) => line('INFO', `cart ${uuid(r)} expired after ${r.range(30, 240)} minutes of inactivity`)),
  t(8, ['orders'], (r) => line('INFO', `order ${id(r)} created for user ${id(r)} total ${amount(r)} EUR`)),
  t(6, ['orders'], (r) =>
    line(
      'INFO',
      `published event order.created for order ${id(r)} to topic order-events partition ${r.range(0, 11)} offset ${r.range(100000, 9999999)}`,
      { 'messaging.destination.name': 'order-events' },
    ),
  ),
  t(2, ['orders'], (r) =>
    line('WARN', `slow query detected (${ms(r, 450)}ms): SELECT * FROM orders WHERE user_id = $1`),
  ),
  t(8, ['payments'], (r) => line('INFO', `payment ${uuid(r)} authorized amount ${amount(r)} EUR in ${ms(r, 130)}ms`)),
  t(2, ['payments'], (r) => line('WARN', `payment ${uuid(r)} declined: insufficient funds`)),
  t(1, ['payments'], (r) =>
    line(
      'WARN',
      `stripe API call failed: ${r.pick([502, 503, 504])} after ${ms(r, 900)}ms, retrying (${r.range(1, 3)}/3)`,
    ),
  ),
  t(9, ['inventory'], (r) => line('DEBUG', `stock check for sku ${sku(r)}: ${r.range(0, 500)} available`)),
  t(2, ['inventory'], (r) => line('WARN', `low stock warning: sku ${sku(r)} has ${r.range(1, 9)} units left`)),
  t(8, ['pricing'], (r) =>
    line('DEBUG', `price computed for sku ${sku(r)}: ${amount(r)} EUR (rule ${r.pick(['base', 'promo-10', 'bulk'])})`),
  ),
  t(6, ['recommendations'], (r) =>
    line('INFO', `recommendations for user ${id(r)} computed in ${ms(r, 8)}ms (${r.range(4, 12)} items)`),
  ),
  t(5, ['notifications'], (r) => line('INFO', `sent order confirmation email to user ${id(r)} (msg ${uuid(r)})`)),
  t(3, ['notifications'], (r) =>
    line('ERROR', `failed to send email to user${id(r)}@example.com: smtp timeout after ${ms(r, 5000)}ms`),
  ),
  t(5, ['shipping'], (r) =>
    line('INFO', `shipping quote for order ${id(r)}: ${amount(r)} EUR, carrier ${r.pick(CARRIERS)}`),
  ),
  t(5, ['user-profile'], (r) => line('INFO', `user ${id(r)} profile updated fields=[email,address]`)),
  t(4, undefined, (r) => {
    const pause = r.lognormal(12, 0.9);
    return line(pause > 80 ? 'WARN' : 'DEBUG', `GC pause ${pause.toFixed(1)}ms (heap ${r.range(180, 900)}MB)`);
  }),
  t(6, undefined, (r) => line('DEBUG', `health check OK (${ms(r, 0.3)}ms)`)),
  t(1, undefined, (r, svc) => line('INFO', `config reloaded from /etc/${svc}/config.yaml (${r.range(12, 80)} keys)`)),
  t(3, undefined, (r) =>
    line(
      'WARN',
      `retrying request to ${r.pick(['catalog', 'pricing', 'inventory', 'auth'])} (attempt ${r.range(2, 3)}) after ${ms(r, 50)}ms: connection reset by peer ${ip(r)}:${50051}`,
    ),
  ),
  t(4, undefined, (r) =>
    line('ERROR', `unhandled exception in ${r.pick(HANDLERS)}: NullPointerException at line ${r.range(20, 900)}`, {
      'exception.type': 'java.lang.NullPointerException',
    }),
  ),
  t(3, undefined, (r) =>
    line(
      'ERROR',
      `connection pool exhausted for ${r.pick(['orders-db', 'users-db', 'catalog-db'])}: ${r.range(5, 60)} waiting`,
    ),
  ),
  t(0.5, undefined, (r) => line('ERROR', `TLS handshake with ${ip(r)}:443 failed: certificate expired`)),
];
