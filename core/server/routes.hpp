#pragma once
// The API's routes: each a pattern ("POST /api/v1/releases/{id}/{action}") and the handler that
// reads the request, calls one operation and says what to answer. Signing in, matching a path to
// a pattern and writing the reply are Api's.

#include <Poco/Dynamic/Var.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ops/operations.hpp"
#include "server/http_message.hpp"

namespace beaver {

struct Call {
  const HttpRequest& request;
  std::vector<std::string> params;  // the route's {placeholders}, in order
  Operations& ops;
  const std::string& actor;
};

struct Answer {
  int status = 200;
  Poco::Dynamic::Var json;
  std::optional<std::string> text;  // a text answer instead (a report), with its type
  std::string content_type;
};

using Handler = std::function<Result<Answer>(Call&)>;
using Routes = std::vector<std::pair<std::string, Handler>>;

// An operation's result as the answer, with `status` when it succeeded.
template <class T>
Result<Answer> answer(Result<T> result, int status = 200) {
  if (!result) return std::unexpected(result.error());
  return Answer{status, *result, {}, {}};
}

// Every route under /api/v1, in the order they are matched.
Routes api_routes();

// The routes of releases and their deploys: submitting, acting on, listing, deploying, stopping
// and rolling back, and what runs where.
void add_release_routes(Routes& routes);
void add_alert_routes(Routes& routes);

// Every route the server answers, as "METHOD /path/{param}": what schemas/openapi.yaml describes.
std::vector<std::string> api_route_patterns();

}  // namespace beaver
