#include "audit/audit.hpp"

#include <doctest/doctest.h>

#include "digest/sha256.hpp"
#include "sqlite_edit.hpp"
#include "store/store.hpp"
#include "test_folder.hpp"

using namespace beaver;
using beaver::test::raw_sql;

namespace {

struct Ledger {
  test::TestFolder dir;
  std::filesystem::path file = dir.path() / "beaver.db";
  std::unique_ptr<Store> store;

  explicit Ledger(int entries) {
    auto s = open_sqlite_store(file, test::source_dir() / "schemas/migrations/sqlite");
    REQUIRE(s.has_value());
    store = std::move(*s);
    Timestamp t = *parse_iso8601("2026-11-24T10:00:00Z");
    for (int i = 1; i <= entries; ++i) {
      auto w = store->write([&](StoreTransaction& tx) -> Result<void> {
        append_audit(tx, t + std::chrono::minutes(i), "alice", "release.submit",
                     fmt::format("release/{}", i),
                     AuditPayload().set("version", fmt::format("1.0.{}", i)).set("n", int64_t{i}));
        return {};
      });
      REQUIRE(w.has_value());
    }
  }

  AuditVerdict verify(const std::optional<AuditHead>& anchor = std::nullopt) {
    auto v = verify_audit(*store, anchor);
    REQUIRE(v.has_value());
    return *v;
  }

  // Out of band, the way someone with the file and sqlite3 would.
  void tamper(const std::string& sql) {
    REQUIRE(raw_sql(file,
                    "DROP TRIGGER IF EXISTS audit_is_append_only_update; "
                    "DROP TRIGGER IF EXISTS audit_is_append_only_delete; " +
                        sql) == "");
  }
};

}  // namespace

TEST_CASE("an untouched audit chain verifies, with its head") {
  Ledger l(5);
  auto v = l.verify();
  CHECK(v.whole());
  CHECK(v.entries == 5);
  CHECK(v.head.seq == 5);
  CHECK(v.head.hash.size() == 64);
}

TEST_CASE("the audit table refuses UPDATE and DELETE") {
  Ledger l(2);
  CHECK(raw_sql(l.file, "UPDATE audit SET actor = 'mallory' WHERE seq = 1") ==
        "the audit log is append-only");
  CHECK(raw_sql(l.file, "DELETE FROM audit WHERE seq = 2") == "the audit log is append-only");
  CHECK(l.verify().whole());
}

TEST_CASE("an edited entry is detected and named") {
  Ledger l(5);
  l.tamper("UPDATE audit SET payload = replace(payload, '1.0.3', '6.6.6') WHERE seq = 3");
  auto v = l.verify();
  CHECK_FALSE(v.whole());
  CHECK(v.first_bad == 3);
  CHECK(v.problem.find("edited") != std::string::npos);
}

TEST_CASE("an edited actor or time is detected too, even a time rewritten to the same instant") {
  for (const char* edit : {"UPDATE audit SET at = '2026-11-24T09:00:00Z' WHERE seq = 2",
                           "UPDATE audit SET at = '2026-11-24T18:02:00+08:00' WHERE seq = 2",
                           "UPDATE audit SET at = 'yesterday' WHERE seq = 2",
                           "UPDATE audit SET actor = 'mallory' WHERE seq = 2"}) {
    CAPTURE(edit);
    Ledger l(3);
    l.tamper(edit);
    CHECK(l.verify().first_bad == 2);
  }
}

TEST_CASE("payloads stay valid JSON whatever bytes they are given") {
  CHECK(json_quote("a\xc0\x80"
                   "b") == "\"a\\ufffd\\ufffdb\"");
  CHECK(json_quote("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");
  CHECK(json_quote("支付") == "\"支付\"");
}

TEST_CASE("the quoting of payloads never changes, whatever bytes it is given") {
  // Entries' hashes cover their payloads' JSON, so a ledger written by an earlier beaver verifies
  // only if the quoting gives the same bytes. The digest is that of the quoting before runs of
  // plain ASCII were copied at once, over the same strings.
  const std::vector<std::string> pieces = {"a",
                                           "Z",
                                           " ",
                                           "release 1.4.2",
                                           "\"",
                                           "\\",
                                           "\n",
                                           "\t",
                                           "\r",
                                           "\x01",
                                           "\x1f",
                                           "\x7f",
                                           "\xc3\xa9",
                                           "\xe6\x94\xaf",
                                           "\xf0\x9f\x98\x80",
                                           "\xc0",
                                           "\x80",
                                           "\xff",
                                           "\xed\xa0\x80",
                                           std::string(1, '\0')};
  uint64_t state = 42;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  std::string all;
  for (int n = 0; n < 3000; ++n) {
    std::string text;
    for (auto k = next() % 24; k > 0; --k) text += pieces[next() % pieces.size()];
    all += json_quote(text);
    all += '\n';
  }
  CHECK(sha256_hex(all) == "a91c00037d3b619b5aa2fc9da2b6acca14d7be88ce87c085c6f7093447ba8132");
}

TEST_CASE("a deleted entry is detected where the sequence jumps") {
  Ledger l(5);
  l.tamper("DELETE FROM audit WHERE seq = 2");
  auto v = l.verify();
  CHECK(v.first_bad == 2);
  CHECK(v.problem.find("missing") != std::string::npos);
}

TEST_CASE("an entry inserted into the middle of the log is detected") {
  Ledger l(4);
  // Make room after entry 2 and forge an entry 3 that links correctly to entry 2.
  l.tamper(
      "UPDATE audit SET seq = seq + 100 WHERE seq > 2; "
      "UPDATE audit SET seq = seq - 99 WHERE seq > 100;");
  auto two = l.verify();  // the log is now 1, 2, 4, 5: a gap at 3
  REQUIRE(two.first_bad == 3);
  AuditEntry forged{3, "2026-11-24T10:02:30Z", "mallory", "release.approve", "release/2", "{}", "",
                    ""};
  std::string prev_hash;
  REQUIRE(l.store
              ->read([&](StoreTransaction& tx) -> Result<void> {
                tx.scan_audit(2, [&](const AuditEntry& e) {
                  prev_hash = e.hash;
                  return false;
                });
                return {};
              })
              .has_value());
  forged.prev_hash = prev_hash;
  forged.hash = audit_hash(forged);
  l.tamper(
      fmt::format("INSERT INTO audit VALUES (3, '2026-11-24T10:02:30Z', 'mallory', "
                  "'release.approve', 'release/2', '{{}}', '{}', '{}')",
                  forged.prev_hash, forged.hash));
  auto v = l.verify();
  CHECK_FALSE(v.whole());
  CHECK(v.first_bad == 4);  // the old entry 3, now 4, no longer links to what precedes it
}

TEST_CASE("a truncated log verifies on its own but not against an anchor taken before") {
  Ledger l(5);
  auto anchor = l.verify().head;
  l.tamper("DELETE FROM audit WHERE seq >= 4");
  CHECK(l.verify().whole());
  auto v = l.verify(anchor);
  CHECK_FALSE(v.whole());
  CHECK(v.problem.find("removed from its end") != std::string::npos);
}

TEST_CASE("an anchor whose hash differs from the log's entry is caught") {
  Ledger l(3);
  auto anchor = l.verify().head;
  anchor.hash = std::string(64, 'e');
  CHECK(l.verify(anchor).first_bad == 3);
}

TEST_CASE("audit heads print as one JSON line and read back; malformed anchors are refused") {
  AuditHead h{12, std::string(64, 'a')};
  auto back = parse_audit_head(format_audit_head(h), "anchor.json");
  REQUIRE(back.has_value());
  CHECK(back->seq == 12);
  CHECK(back->hash == h.hash);
  for (const char* bad : {"", "{}", "{\"seq\": 1}", "{\"seq\": 1, \"hash\": \"xyz\"}", "[1,2]"}) {
    auto r = parse_audit_head(bad, "anchor.json");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == ErrorKind::bad_input);
  }
}

TEST_CASE("payloads are canonical: keys sorted, strings escaped, no spaces") {
  auto p = AuditPayload()
               .set("z", int64_t{1})
               .set("a", "line\n\"quoted\"")
               .set("m", std::optional<std::string>{})
               .set("l", std::vector<std::string>{"x", "y"})
               .set("b", true);
  CHECK(p.canonical() == R"({"a":"line\n\"quoted\"","b":true,"l":["x","y"],"m":null,"z":1})");
}
