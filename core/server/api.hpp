#pragma once
// The REST API and the web pages, apart from the sockets: a request in, a reply out. Every
// /api/v1 route signs the caller in by their bearer token and calls the same operations the command
// line calls (schemas/openapi.yaml describes them).

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clock/clock.hpp"
#include "ops/operations.hpp"
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
  // An upload's body, streamed to this file instead (see Api::admit_upload).
  std::filesystem::path body_file;
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

// Every route the server answers, as "METHOD /path/{param}": what schemas/openapi.yaml describes.
std::vector<std::string> api_route_patterns();

class Api {
 public:
  // `hosts`: how deploys, status and package uploads reach hosts and files (null: they fail).
  Api(
      StorePool& pool, const Clock& clock, const Policy& policy, Metrics& metrics,
      std::function<ServerGauges()> server_gauges, std::filesystem::path web_dir,
      std::function<void()> changed = [] {}, const HostAccess* hosts = nullptr);
  ~Api();

  HttpReply handle(const HttpRequest& request);

  // Whether the request is an upload (PUT /api/v1/packages/{sha256}), whose body goes to a file.
  static bool is_upload(const HttpRequest& request);
  // Checked before an upload's body is read, so a stranger cannot fill the disk: the name and
  // the caller's token. The error reply, or nothing when the body may come.
  std::optional<HttpReply> admit_upload(const HttpRequest& request);

 private:
  struct Route;
  HttpReply api(const HttpRequest& request);
  // The name of the user the request's bearer token stands for (remembered for a moment).
  Result<std::string> sign_in(Store& store, const HttpRequest& request);
  HttpReply health();
  HttpReply metrics(const HttpRequest& request);
  HttpReply web(const HttpRequest& request);

  StorePool& pool_;
  const Clock& clock_;
  const Policy& policy_;
  Metrics& metrics_;
  std::function<ServerGauges()> server_gauges_;
  std::filesystem::path web_dir_;
  std::function<void()> changed_;  // after a request changed the ledger (e.g. to notify)
  const HostAccess* hosts_;
  std::vector<Route> routes_;
  TokenCache tokens_;
};

}  // namespace beaver
