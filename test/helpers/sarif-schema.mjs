// The SARIF 2.1.0 schema check shared by test/cli.test.mjs and test/fuzz.test.mjs: the official
// schema shipped with @microsoft/jest-sarif, compiled once with Ajv.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SARIF_SCHEMA = join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

/** A validate(log) function for SARIF 2.1.0; `validate.errors` holds what failed. */
export function sarifValidator() {
  const { $schema, id, ...rest } = JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8'));
  void $schema;
  // The schema is draft-04: give its `id` to Ajv (draft-07) as `$id`. Its patterns are not valid
  // under the `u` flag; its formats are checked here without ajv-formats.
  const ajv = new Ajv({
    allErrors: true, strict: false, unicodeRegExp: false,
    formats: { uri: /^[a-z][a-z0-9+.-]*:/i, 'uri-reference': true, 'date-time': (s) => !Number.isNaN(Date.parse(s)) },
  });
  return ajv.compile({ $id: id, ...rest });
}
