#pragma once
// The REST API and the web pages, apart from the sockets: a request in, a reply out. Every
// /api/v1 route signs the caller in by their bearer token and calls the same operations the
// command line calls (schemas/openapi.yaml describes them).

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "clock/clock.hpp"
#include "ops/operations.hpp"
#include "policy/policy.hpp"
#include "server/http_message.hpp"
#include "server/metrics.hpp"
#include "server/store_pool.hpp"
#include "server/token_cache.hpp"

namespace beaver {

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
  // Checked before a request's body is read, so a stranger costs no reading: the caller's token
  // on the API, and on any other path the answer itself (nothing else takes a body). The reply,
  // or nothing when the body may come.
  std::optional<HttpReply> admit(const HttpRequest& request);
  // The same for an upload, so a stranger cannot fill the disk: the name, the caller's token
  // and whether the caller registers packages at all.
  std::optional<HttpReply> admit_upload(const HttpRequest& request);

 private:
  struct Route;
  HttpReply api(const HttpRequest& request);
  // The name of the user the request's bearer token stands for (remembered for a moment).
  Result<std::string> sign_in(Store& store, const HttpRequest& request);
  HttpReply metrics(const HttpRequest& request);

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
