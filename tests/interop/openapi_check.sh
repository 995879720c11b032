#!/usr/bin/env bash
# docs/api/openapi.yaml checked by a third-party validator (@apidevtools/swagger-parser, pinned
# by a lockfile): the OpenAPI 3 schema, every $ref, the specification's semantic rules.
# Usage: openapi_check.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1
build_dir=$2
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIP: Node.js and npm are needed to validate the OpenAPI document"
  exit 77
fi
# shellcheck source=../../scripts/lib/world.sh
source "$source_dir/scripts/lib/world.sh"
tools=$(npm_tools openapi)
node "$tools/validate.mjs" "$source_dir/docs/api/openapi.yaml"
