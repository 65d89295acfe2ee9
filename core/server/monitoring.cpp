#include "server/monitoring.hpp"

#include "server/http_error.hpp"

namespace beaver {

HttpReply health_reply(StorePool& pool) {
  HttpReply reply;
  reply.route = "GET /healthz";
  auto lease = pool.borrow(StorePool::Use::other);
  Result<void> ok = lease ? (*lease)->read([](StoreTransaction& tx) -> Result<void> {
    tx.last_audit_entry();
    return {};
  })
                          : Result<void>(std::unexpected(lease.error()));
  if (!ok) {
    reply.status = 503;
    log_failure(reply.route, reply.status, ok.error().message);
    reply.body = R"({"status":"unavailable"})";
    return reply;
  }
  reply.body = R"({"status":"ok"})";
  return reply;
}

HttpReply metrics_reply(Store& store, const Metrics& metrics, const ServerGauges& server) {
  const std::string route = "GET /metrics";
  LedgerGauges gauges;
  auto read = store.read([&](StoreTransaction& tx) -> Result<void> {
    for (const auto& [key, n] : tx.release_counts()) {
      gauges.releases[key] = n;
      if (key.second == "submitted") gauges.approvals_pending += n;
    }
    return {};
  });
  if (!read) return error_reply(read.error(), route);
  HttpReply reply;
  reply.route = route;
  reply.content_type = "text/plain; version=0.0.4";
  reply.body = metrics.render(gauges, server);
  return reply;
}

}  // namespace beaver
