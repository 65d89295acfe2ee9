// The routes of monitoring's alerts: the webhook Alertmanager posts to (with a token of a user
// holding the alerts role), and the list people read.

#include <charconv>

#include "server/request_params.hpp"
#include "server/routes.hpp"

namespace beaver {

void add_alert_routes(Routes& r) {
  // The body is the source's own document, read by the operations (unknown fields are the
  // source's to add); 200 with what was kept.
  r.emplace_back("POST /api/v1/alerts/{source}", [](Call& c) -> Result<Answer> {
    BEAVER_TRY(only_parameters(c.request, {}));
    return answer(c.ops.receive_alerts(c.params[0], c.request.body));
  });
  r.emplace_back("GET /api/v1/alerts", [](Call& c) -> Result<Answer> {
    BEAVER_TRY(only_parameters(c.request, {"service", "env", "unattributed", "limit"}));
    AlertFilter f;
    f.service = query_param(c.request, "service");
    f.env = query_param(c.request, "env");
    if (auto u = query_param(c.request, "unattributed")) {
      if (*u != "true" && *u != "false")
        return bad_field("unattributed", "unattributed is true or false");
      f.unattributed = *u == "true";
    }
    if (auto limit = query_param(c.request, "limit")) {
      auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), f.limit);
      if (ec != std::errc{} || end != limit->data() + limit->size() || f.limit < 1 ||
          f.limit > 100000)
        return bad_field("limit", "limit '{}' is not a number from 1 to 100000", *limit);
    }
    return answer(c.ops.list_alerts(f));
  });
}

}  // namespace beaver
