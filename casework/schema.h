// The casework database schema, as an ordered list of migrations: migration i brings
// PRAGMA user_version from i to i+1. Never edit a released migration; append a new one.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace rtcc::casework {

const std::vector<std::string_view>& SchemaMigrations();

// After the migration that brings user_version to this, the events written before the audit trail
// was chained get their hashes (casework/audit_trail.h ChainUnhashedRows), in the same
// transaction, before the next migration makes the chain compulsory.
constexpr std::size_t kChainTrailAfterVersion = 3;

}  // namespace rtcc::casework
