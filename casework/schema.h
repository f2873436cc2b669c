// The casework database schema, as an ordered list of migrations: migration i brings
// PRAGMA user_version from i to i+1. Never edit a released migration; append a new one.
#pragma once

#include <string_view>
#include <vector>

namespace rtcc::casework {

const std::vector<std::string_view>& SchemaMigrations();

}  // namespace rtcc::casework
