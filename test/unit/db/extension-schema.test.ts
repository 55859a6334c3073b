import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extensionRef, renderExtensionSql } from '../../../src/db/extension-schema.js';

describe('extension schema references', () => {
  it('qualifies names and operators through the quoted schema, whatever its spelling', () => {
    const ts = extensionRef('timescaledb', 'public');
    assert.equal(ts.qualify('create_hypertable'), '"public".create_hypertable');
    const vec = extensionRef('vector', 'My "Ext"');
    assert.equal(vec.ident, '"My ""Ext"""');
    assert.equal(vec.qualify('vector'), '"My ""Ext""".vector');
    assert.equal(vec.op('<->'), 'OPERATOR("My ""Ext""".<->)');
    assert.equal(vec.op('<=>'), 'OPERATOR("My ""Ext""".<=>)');
    assert.throws(() => vec.op('<-> 1; DROP TABLE x'), /not an operator/);
  });

  it('renders {{ext:NAME}} placeholders and refuses one it cannot resolve', () => {
    const refs = [extensionRef('timescaledb', 'public'), extensionRef('vector', 'ext')];
    assert.equal(
      renderExtensionSql('SELECT {{ext:timescaledb}}.add_retention_policy(1); x {{ext:vector}}.vector(3)', refs),
      'SELECT "public".add_retention_policy(1); x "ext".vector(3)',
    );
    assert.equal(renderExtensionSql('SELECT 1', []), 'SELECT 1');
    assert.throws(() => renderExtensionSql('{{ext:age}}.cypher', refs), /names extension 'age'/);
  });
});
