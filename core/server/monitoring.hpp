#pragma once
// What monitoring reads, beside the API's routes: /healthz, which needs no token, and /metrics.

#include "server/http_message.hpp"
#include "server/metrics.hpp"
#include "server/store_pool.hpp"

namespace beaver {

// GET /healthz: 200 {"status":"ok"} when the ledger answers a read, else 503
// {"status":"unavailable"}, the reason logged and not answered, as the caller showed no token.
HttpReply health_reply(StorePool& pool);

// GET /metrics for a signed-in caller: the ledger's figures read from `store` now, with the
// server's own, in Prometheus' text format.
HttpReply metrics_reply(Store& store, const Metrics& metrics, const ServerGauges& server);

}  // namespace beaver
