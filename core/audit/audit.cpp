#include "audit/audit.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>

#include "model/names.hpp"

namespace beaver {
namespace {

constexpr std::string_view kHashVersion = "beaver-audit-v1";
const std::string kGenesis(64, '0');

void append_field(Poco::SHA2Engine& sha, std::string_view field) {
  // Length-prefixed, so no two different entries hash the same bytes.
  sha.update(fmt::format("{}:", field.size()));
  sha.update(field.data(), field.size());
}

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

void append_json_quoted(std::string& out, std::string_view text) {
  out += '"';
  for (size_t i = 0; i < text.size(); ++i) {
    // Printable ASCII other than the two escaped characters, most of any text, goes in runs.
    size_t plain = i;
    while (plain < text.size()) {
      auto u = static_cast<unsigned char>(text[plain]);
      if (u < 0x20 || u >= 0x80 || u == '"' || u == '\\') break;
      ++plain;
    }
    if (plain > i) {
      out.append(text.substr(i, plain - i));
      i = plain;
      if (i == text.size()) break;
    }
    char c = text[i];
    // Valid JSON whatever the input: a malformed UTF-8 byte becomes U+FFFD.
    if (size_t n = utf8_sequence_at(text, i); n == 0) {
      out += "\\ufffd";
      continue;
    } else if (n > 1) {
      out.append(text.substr(i, n));
      i += n - 1;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        else
          out += c;
    }
  }
  out += '"';
}

std::string json_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_json_quoted(out, text);
  return out;
}

AuditPayload& AuditPayload::set(std::string key, std::string value) {
  fields_[std::move(key)] = std::move(value);
  return *this;
}
AuditPayload& AuditPayload::set(std::string key, int64_t value) {
  fields_[std::move(key)] = value;
  return *this;
}
AuditPayload& AuditPayload::set(std::string key, bool value) {
  fields_[std::move(key)] = value;
  return *this;
}
AuditPayload& AuditPayload::set(std::string key, const std::optional<std::string>& value) {
  if (value)
    fields_[std::move(key)] = *value;
  else
    fields_[std::move(key)] = nullptr;
  return *this;
}
AuditPayload& AuditPayload::set(std::string key, const std::vector<std::string>& value) {
  fields_[std::move(key)] = value;
  return *this;
}

std::string AuditPayload::canonical() const {
  std::string out = "{";
  for (const auto& [key, value] : fields_) {
    if (out.size() > 1) out += ',';
    out += json_quote(key) + ':';
    if (auto* s = std::get_if<std::string>(&value)) {
      out += json_quote(*s);
    } else if (auto* i = std::get_if<int64_t>(&value)) {
      out += std::to_string(*i);
    } else if (auto* b = std::get_if<bool>(&value)) {
      out += *b ? "true" : "false";
    } else if (auto* list = std::get_if<std::vector<std::string>>(&value)) {
      out += '[';
      for (size_t k = 0; k < list->size(); ++k) out += (k ? "," : "") + json_quote((*list)[k]);
      out += ']';
    } else {
      out += "null";
    }
  }
  return out + "}";
}

std::string audit_hash(const AuditEntry& e) {
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  append_field(sha, kHashVersion);
  append_field(sha, std::to_string(e.seq));
  append_field(sha, e.prev_hash);
  append_field(sha, e.at);
  append_field(sha, e.actor);
  append_field(sha, e.action);
  append_field(sha, e.subject);
  append_field(sha, e.payload);
  return Poco::DigestEngine::digestToHex(sha.digest());
}

AuditEntry append_audit(StoreTransaction& tx, Timestamp at, const std::string& actor,
                        const std::string& action, const std::string& subject,
                        const AuditPayload& payload) {
  auto last = tx.last_audit_entry();
  AuditEntry e;
  e.seq = last ? last->seq + 1 : 1;
  e.at = format_utc(at);
  e.actor = actor;
  e.action = action;
  e.subject = subject;
  e.payload = payload.canonical();
  e.prev_hash = last ? last->hash : kGenesis;
  e.hash = audit_hash(e);
  tx.insert_audit_entry(e);
  return e;
}

Result<AuditVerdict> verify_audit(Store& store, const std::optional<AuditHead>& anchor) {
  AuditVerdict v;
  v.head = {0, kGenesis};
  bool anchor_seen = !anchor || anchor->seq == 0;
  auto mark_bad = [&](int64_t seq, std::string problem) {
    v.first_bad = seq;
    v.problem = std::move(problem);
    return false;
  };
  auto read = store.read([&](StoreTransaction& tx) -> Result<void> {
    tx.scan_audit(1, [&](const AuditEntry& e) {
      ++v.entries;
      int64_t expected = v.head.seq + 1;
      if (e.seq != expected)
        return mark_bad(expected, fmt::format("entry {} is missing (the log jumps from {} to {}): "
                                              "deleted out of band",
                                              expected, v.head.seq, e.seq));
      if (e.prev_hash != v.head.hash)
        return mark_bad(e.seq, fmt::format("entry {} does not link to entry {}: an entry was "
                                           "inserted or replaced before it",
                                           e.seq, v.head.seq));
      if (audit_hash(e) != e.hash)
        return mark_bad(e.seq, fmt::format("entry {} ({} {}) does not match its hash: edited "
                                           "out of band",
                                           e.seq, e.action, e.subject));
      v.head = {e.seq, e.hash};
      if (anchor && e.seq == anchor->seq) {
        if (e.hash != anchor->hash)
          return mark_bad(e.seq, fmt::format("entry {} differs from the anchor's hash: the log "
                                             "was rewritten since the anchor was taken",
                                             e.seq));
        anchor_seen = true;
      }
      return true;
    });
    return {};
  });
  if (!read) return std::unexpected(read.error());
  if (v.whole() && !anchor_seen) {
    v.first_bad = v.head.seq + 1;
    v.problem = fmt::format(
        "the log ends at entry {} but the anchor holds entry {}: entries "
        "were removed from its end",
        v.head.seq, anchor->seq);
  }
  return v;
}

std::string format_audit_head(const AuditHead& head) {
  return fmt::format("{{\"seq\":{},\"hash\":\"{}\"}}", head.seq, head.hash);
}

Result<AuditHead> parse_audit_head(std::string_view text, std::string_view origin) {
  auto bad = [&] {
    return fail(ErrorKind::bad_input,
                "{}: not an audit head (expected {{\"seq\": N, \"hash\": \"<64 hex>\"}} as "
                "printed by 'beaver audit head')",
                origin);
  };
  try {
    Poco::JSON::Parser parser;
    auto obj = parser.parse(std::string(text)).extract<Poco::JSON::Object::Ptr>();
    if (!obj || !obj->has("seq") || !obj->has("hash")) return bad();
    AuditHead head{obj->getValue<int64_t>("seq"), obj->getValue<std::string>("hash")};
    if (head.seq < 0 || !is_hex64(head.hash)) return bad();
    return head;
  } catch (const Poco::Exception&) {
    return bad();
  } catch (const std::exception&) {
    return bad();
  }
}

}  // namespace beaver
