#pragma once
// The ledger's records as the API's JSON documents (stable field names), and back where a
// request carries them.

#include <Poco/JSON/Object.h>

#include "audit/audit.hpp"
#include "audit/audit_entry.hpp"
#include "model/user.hpp"
#include "store/store.hpp"

namespace beaver {

Poco::JSON::Object::Ptr user_json(const User& u);
Poco::JSON::Object::Ptr service_json(const Service& s);
Poco::JSON::Object::Ptr token_json(const TokenRecord& t);
Poco::JSON::Object::Ptr audit_entry_json(const AuditEntry& e);
Poco::JSON::Object::Ptr audit_verdict_json(const AuditVerdict& v);

}  // namespace beaver
