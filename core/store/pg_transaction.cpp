#include "store/pg_transaction.hpp"

#include <fmt/format.h>

namespace beaver {

ReleaseRecords PgTransaction::release_records(int64_t release_id) {
  if (session_.holds_writes() || records_written_here(release_id))
    return StoreTransaction::release_records(release_id);
  auto params = pg_params(sql_params(release_id));
  auto r = c_.pipeline_results({{approvals_of_sql().postgresql(), params},
                                {deploys_of_sql().postgresql(), params},
                                {steps_of_release_sql().postgresql(), params}});
  ReleaseRecords out;
  for (int i = 0; i < r[0].rows(); ++i) out.approvals.push_back(read_approval(PgRow(r[0], i)));
  for (int i = 0; i < r[1].rows(); ++i)
    out.deploys.emplace_back(read_deploy(PgRow(r[1], i)), std::vector<DeployStep>{});
  // Both in deploy id order: each step's run is the current one or a later one.
  size_t run = 0;
  for (int i = 0; i < r[2].rows(); ++i) {
    auto step = read_step(PgRow(r[2], i));
    while (run < out.deploys.size() && out.deploys[run].first.id != step.deploy_id) ++run;
    if (run == out.deploys.size())
      throw pg::PgError("XX000", fmt::format("deploy step of run {} out of order", step.deploy_id));
    out.deploys[run].second.push_back(std::move(step));
  }
  return out;
}

void PgTransaction::read_in_bulk(BulkReader& reader) {
  session_.flush();
  reader.read(c_, open_reader_);
}

PgTransaction::UnitMark PgTransaction::begin_unit() {
  session_.begin_unit();
  return UnitMark{facts_};
}

void PgTransaction::end_unit() { session_.end_unit(); }

void PgTransaction::undo_unit(UnitMark mark) {
  session_.undo_unit();
  facts_ = std::move(mark.facts);
  // The directory may have been read with the unit's own changes in it.
  users_.version = -1;
}

}  // namespace beaver
