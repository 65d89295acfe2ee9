// Validates an OpenAPI document as code generators read it: against the OpenAPI 3 schema, with
// every $ref resolved. Prints each error and exits 1 when the document is invalid.
import SwaggerParser from '@apidevtools/swagger-parser';

const file = process.argv[2];
try {
  const api = await SwaggerParser.validate(file);
  console.log(`${file}: a valid OpenAPI ${api.openapi} document, ` +
              `${Object.keys(api.paths).length} paths`);
} catch (e) {
  console.error(`${file}: ${e.message}`);
  process.exit(1);
}
