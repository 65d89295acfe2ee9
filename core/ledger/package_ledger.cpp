// Packages as the ledger registers them: who may register a service's packages, and the record.

#include "audit/audit.hpp"
#include "ledger/ledger.hpp"
#include "model/names.hpp"

namespace beaver {

namespace {

Result<void> registers_packages(const User& me) {
  if (!me.has(Role::developer) && !me.has(Role::leader))
    return fail(ErrorKind::refused, "only a developer or a leader registers packages; {} is {}",
                me.name, roles_text(me.roles));
  return {};
}

Result<void> may_register(StoreTransaction& tx, const User& me, const std::string& service,
                          const std::string& team) {
  BEAVER_TRY(registers_packages(me));
  auto known = tx.find_service(service);
  if (known && known->team != team)
    return fail(ErrorKind::refused,
                "beaver.yaml says service {} belongs to team {}, but the ledger has team {}",
                service, team, known->team);
  return {};
}

}  // namespace

Result<void> Ledger::check_can_register(const std::string& actor, const std::string& service,
                                        const std::string& team) {
  BEAVER_TRY(check_name("service", service));
  BEAVER_TRY(check_name("team", team));
  return store_.read([&](StoreTransaction& tx) -> Result<void> {
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    return may_register(tx, *me, service, team);
  });
}

Result<void> Ledger::check_can_register(const std::string& actor) {
  return store_.read([&](StoreTransaction& tx) -> Result<void> {
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    return registers_packages(*me);
  });
}

Result<PackageRecord> Ledger::register_package(const std::string& actor, PackageRecord package,
                                               const std::string& team, bool& registered) {
  BEAVER_TRY(check_name("service", package.service));
  BEAVER_TRY(check_name("version", package.version));
  BEAVER_TRY(check_name("team", team));
  registered = false;
  BEAVER_TRY(store_.write([&](StoreTransaction& tx) -> Result<void> {
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    BEAVER_TRY(may_register(tx, *me, package.service, team));
    if (auto known = tx.find_package(package.sha256)) {
      package = *known;
      return {};
    }
    auto now = clock_.now();
    if (!tx.find_service(package.service)) {
      tx.insert_service({package.service, team, now});
      append_audit(tx, now, actor, "service.add", "service/" + package.service,
                   AuditPayload().set("team", team).set("from", "beaver.yaml"));
    }
    package.builder = me->name;
    package.registered_at = now;
    package.id = tx.insert_package(package);
    registered = true;
    append_audit(tx, now, actor, "package.register", "package/" + package.sha256,
                 AuditPayload()
                     .set("service", package.service)
                     .set("version", package.version)
                     .set("file", package.file_name)
                     .set("size", package.size)
                     .set("commit", package.commit)
                     .set("allow_dirty", package.allow_dirty));
    return {};
  }));
  return package;
}

}  // namespace beaver
