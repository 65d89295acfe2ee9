#pragma once
// The audit log: every change is appended in the same transaction as the change itself, with a
// gap-free sequence number; each entry's hash covers a version tag, its sequence number, the
// previous entry's hash and its content, so any edit, deletion or insertion breaks the chain.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "model/audit_entry.hpp"
#include "store/store.hpp"

namespace beaver {

// A payload as canonical JSON: keys sorted, no spaces, one escaping rule.
class AuditPayload {
 public:
  AuditPayload& set(std::string key, std::string value);
  AuditPayload& set(std::string key, const char* value) {
    return set(std::move(key), std::string(value));
  }
  AuditPayload& set(std::string key, int64_t value);
  AuditPayload& set(std::string key, bool value);
  AuditPayload& set(std::string key, const std::optional<std::string>& value);
  AuditPayload& set(std::string key, const std::vector<std::string>& value);
  std::string canonical() const;

 private:
  using Value = std::variant<std::string, int64_t, bool, std::nullptr_t, std::vector<std::string>>;
  std::map<std::string, Value> fields_;
};

// The JSON string literal for `text` (quotes included), as the payloads write it: part of what
// an entry's hash covers, so its output never changes.
std::string json_quote(std::string_view text);
// The same, appended to `out`.
void append_json_quoted(std::string& out, std::string_view text);

// The hash an entry must carry, from its sequence number, previous hash and content.
std::string audit_hash(const AuditEntry& entry);

// Appends an entry after the newest one, inside the caller's write transaction.
AuditEntry append_audit(StoreTransaction& tx, Timestamp at, const std::string& actor,
                        const std::string& action, const std::string& subject,
                        const AuditPayload& payload);

struct AuditHead {
  int64_t seq = 0;
  std::string hash;  // of entry `seq`; the genesis value when the log is empty
};

struct AuditVerdict {
  int64_t entries = 0;
  AuditHead head;
  std::optional<int64_t> first_bad;  // the first entry that fails, when the chain is broken
  std::string problem;               // what is wrong with it, in words
  bool whole() const { return !first_bad.has_value(); }
};

// Walks the whole chain; with an anchor (a head exported earlier) also checks that the log still
// holds that entry with that hash, so a truncated log is caught.
Result<AuditVerdict> verify_audit(Store& store, const std::optional<AuditHead>& anchor);

// The head as one JSON line, and back; a malformed anchor is bad_input.
std::string format_audit_head(const AuditHead& head);
Result<AuditHead> parse_audit_head(std::string_view text, std::string_view origin);

}  // namespace beaver
