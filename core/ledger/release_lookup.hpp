#pragma once
// What the ledger's operation files share: a release found inside a transaction, and the audit
// subject naming it.

#include <cstdint>
#include <string>

#include "error/error.hpp"
#include "model/release.hpp"
#include "store/store.hpp"

namespace beaver {

std::string release_subject(int64_t id);  // "release/42"
Result<Release> find_release(StoreTransaction& tx, int64_t id);

}  // namespace beaver
