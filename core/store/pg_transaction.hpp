#pragma once
// A unit of work on PostgreSQL: the ledger's tables (SqlTransaction) over a PgSession, with what
// the store read in the round trip that began the unit, a release page's reads sent at once,
// and the marks that let a batch of units share one transaction (pg_store.cpp).

#include <memory>

#include "store/pg_session.hpp"
#include "store/row_source.hpp"
#include "store/sql_transaction.hpp"

namespace beaver {

class PgTransaction final : public SqlTransaction {
 public:
  PgTransaction(PgSession& session, pg::Connection& c, UserDirectory& users,
                const KnownServices& known_services, UnitFacts facts, OpenPgReader open_reader)
      : SqlTransaction(session, users, &known_services, std::move(facts)),
        session_(session),
        c_(c),
        open_reader_(std::move(open_reader)) {}

  // A release page's three reads in one round trip (otherwise one per deploy run and two more),
  // when nothing this unit wrote has to go first.
  ReleaseRecords release_records(int64_t release_id) override;
  void read_in_bulk(BulkReader& reader) override;

  // What a unit of a batch may have changed, to be taken back when it fails.
  struct UnitMark {
    UnitFacts facts;
  };
  UnitMark begin_unit();
  void end_unit();
  void undo_unit(UnitMark mark);

 private:
  PgSession& session_;
  pg::Connection& c_;
  OpenPgReader open_reader_;  // for bulk reads on a second connection
};

}  // namespace beaver
