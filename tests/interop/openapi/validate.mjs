// Validates an OpenAPI document: schema, $refs, and the spec's semantic rules.
// Usage: node validate.mjs FILE
import SwaggerParser from "@apidevtools/swagger-parser";

const file = process.argv[2];
try {
  const api = await SwaggerParser.validate(file);
  const operations = Object.values(api.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  console.log(`${file}: valid OpenAPI ${api.openapi}, ${operations} operations`);
} catch (error) {
  console.error(`${file}: ${error.message}`);
  process.exit(1);
}
