// Schema migrations, versioned in code: migration N brings the schema from N-1 to N.
#pragma once

#include <string_view>
#include <vector>

namespace lifeline::catalog::sqlite {

class Database;

// The SQL of every migration, oldest first; the schema version is the number applied.
const std::vector<std::string_view>& migrations();
int latest_schema_version();
int schema_version(Database& db);
// Applies the missing migrations, each in its own transaction. Refuses a database newer than
// this build knows.
void migrate(Database& db);

} // namespace lifeline::catalog::sqlite
