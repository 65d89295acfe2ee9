#pragma once
// What the ledger's operation files share: a release found inside a transaction, the audit
// subject naming it, and the errors for a name or an id the ledger does not know, which suggest
// the nearest ones it does know rather than creating what was probably mistyped.

#include <cstdint>
#include <string>
#include <string_view>

#include "error/error.hpp"
#include "model/release.hpp"
#include "store/store.hpp"

namespace beaver {

std::string release_subject(int64_t id);  // "release/42"
Result<Release> find_release(StoreTransaction& tx, int64_t id);

// "unknown service 'hello-servce' (did you mean 'hello-service'?)"; the way to register it only
// when no registered name is near.
std::unexpected<Error> unknown_service(StoreTransaction& tx, std::string_view name);
// "no user 'ane' (did you mean 'ann'?)", with `kind` (not_found, or unauthenticated for the
// acting user) and `hint` after it when nothing is near.
std::unexpected<Error> unknown_user(StoreTransaction& tx, std::string_view name, ErrorKind kind,
                                    std::string_view hint = "");

}  // namespace beaver
