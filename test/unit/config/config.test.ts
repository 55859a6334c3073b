import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig, parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/core/errors.js';

function problemsOf(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(yaml, 'test.yaml', env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.problems;
  }
  return [];
}

describe('config', () => {
  it('accepts the demo config, which has two tenants on the embedded database', () => {
    const { config } = loadConfig(undefined, {});
    assert.equal(config.tenants.length, 2);
    assert.equal(config.database.url, './.observebridge/db');
    assert.equal(config.tenants[0]?.initial_lookback?.default, 15 * 60_000);
  });

  it('lists every problem with its path', () => {
    const problems = problemsOf(`
database: { url: 5, pool_size: 0 }
sources: { a: { kind: mock } }
tenants:
  - code: "bad code!"
    source: missing
  - code: ok
    source: a
    initial_lookback: { default: soon }
jobs:
  oo-calls: { align: 90x, retry: { attempts: 0 } }
unknown_key: 1
`);
    const want = [
      /^database\.url: /,
      /^database\.pool_size: /,
      /^tenants\[0\]\.code: must start with a letter or digit/,
      /^tenants\[1\]\.initial_lookback\.default: must be a duration/,
      /^jobs\.oo-calls\.align: must be a duration/,
      /^jobs\.oo-calls\.retry\.attempts: /,
      /unknown_key/,
    ];
    for (const re of want)
      assert.ok(
        problems.some((p) => re.test(p)),
        `no problem matching ${re} in:\n${problems.join('\n')}`,
      );
  });

  it('names unknown sources and duplicate tenant codes', () => {
    const problems = problemsOf(`
sources: { a: { kind: mock } }
tenants:
  - { code: t1, source: a }
  - { code: T1, source: b }
`);
    assert.ok(
      problems.some((p) => /^tenants\[1\]\.code: duplicate tenant code 'T1'/.test(p)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => /^tenants\[1\]\.source: unknown source 'b' \(known: a\)/.test(p)),
      problems.join('\n'),
    );
  });

  it('reports YAML syntax errors with line and column', () => {
    const problems = problemsOf('tenants: [\n  {code: a\n');
    assert.ok(problems.length > 0);
    assert.match(problems[0]!, /^test\.yaml:\d+:\d+: /);
  });

  it('requires at least one tenant', () => {
    assert.ok(problemsOf('tenants: []').some((p) => /^tenants: at least one tenant/.test(p)));
  });

  it('lets DATABASE_URL override the file', () => {
    const c = parseConfig('database: { url: ./x }\nsources: {a: {kind: mock}}\ntenants: [{code: a, source: a}]', 'f', {
      DATABASE_URL: 'postgres://u@h/db',
    });
    assert.equal(c.database.url, 'postgres://u@h/db');
  });
});

describe('config: sources', () => {
  it('validates every source by its kind, with the path of each problem', () => {
    const problems = problemsOf(`
sources:
  oo: { kind: openobserve, url: 'not a url', org: '' }
  m: { kind: mock, per_minute: { logs: -1 } }
  x: { kind: carrier-pigeon }
tenants:
  - code: a
    source: { kind: mock, incident: { dependency: nowhere } }
  - { code: b, source: oo }
`);
    for (const re of [
      /^sources\.oo\./,
      /^sources\.m\.per_minute\.logs: /,
      /^sources\.x(\.kind)?: /,
      /^tenants\[0\]\.source\.incident\.dependency: unknown dependency/,
    ]) {
      assert.ok(
        problems.some((p) => re.test(p)),
        `no problem matching ${re} in:\n${problems.join('\n')}`,
      );
    }
  });
});
