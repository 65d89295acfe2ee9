#pragma once
// The REST API and the web pages, apart from the sockets: a request in, a reply out. Every
// /api route signs the caller in by their bearer token and calls the same operations the command
// line calls (schemas/openapi.yaml describes them).

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "clock/clock.hpp"
#include "policy/policy.hpp"
#include "server/metrics.hpp"
#include "server/store_pool.hpp"
#include "server/token_cache.hpp"

namespace beaver {

struct HttpRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> query;
  std::string authorization;  // the Authorization header, as sent
  std::string body;
};

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string route;  // the matched route's pattern, for metrics
  std::vector<std::pair<std::string, std::string>> headers;
};

// The body of an error reply: {"error": {"kind": ..., "message": ...}}.
HttpReply error_reply(const Error& error, std::string route = "");
int http_status(ErrorKind kind);

class Api {
 public:
  Api(StorePool& pool, const Clock& clock, const Policy& policy, Metrics& metrics,
      std::function<ServerGauges()> server_gauges, std::filesystem::path web_dir);
  ~Api();

  HttpReply handle(const HttpRequest& request);

 private:
  struct Route;
  HttpReply api(const HttpRequest& request);
  HttpReply health();
  HttpReply metrics(const HttpRequest& request);
  HttpReply web(const HttpRequest& request);
  // The name of the user the request's bearer token stands for (remembered for a moment).
  Result<std::string> sign_in(Store& store, std::string_view token);

  StorePool& pool_;
  const Clock& clock_;
  const Policy& policy_;
  Metrics& metrics_;
  std::function<ServerGauges()> server_gauges_;
  std::filesystem::path web_dir_;
  std::vector<Route> routes_;
  TokenCache tokens_;
};

}  // namespace beaver
