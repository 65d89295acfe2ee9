#pragma once
// The REST API and the web pages, apart from the sockets: a request in, a reply out. Every
// /api/v1 route signs the caller in by their bearer token and calls the same operations the
// command line calls (schemas/openapi.yaml describes them).

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/sign_in_throttle.hpp"
#include "clock/clock.hpp"
#include "ops/operations.hpp"
#include "policy/policy.hpp"
#include "server/http_message.hpp"
#include "server/metrics.hpp"
#include "server/store_pool.hpp"
#include "server/token_cache.hpp"

namespace beaver {

// How people's browser sessions work on this server.
struct SessionOptions {
  SessionLimits limits;
  bool secure = false;      // the cookie goes only over https (the server's address is https)
  LdapDirectory directory;  // where passwords not set in the ledger are checked, if anywhere
};

class Api {
 public:
  // `hosts`: how deploys, status and package uploads reach hosts and files (null: they fail).
  Api(
      StorePool& pool, const Clock& clock, const Policy& policy, Metrics& metrics,
      std::function<ServerGauges()> server_gauges, std::filesystem::path web_dir,
      std::function<void()> changed = [] {}, const HostAccess* hosts = nullptr,
      SessionOptions sessions = {});
  ~Api();

  HttpReply handle(const HttpRequest& request);

  // Whether the request is an upload (PUT /api/v1/packages/{sha256}), whose body goes to a file.
  static bool is_upload(const HttpRequest& request);
  // Whether answering may take seconds rather than a moment: it reads a whole package, the whole
  // ledger or audit log, or asks hosts over ssh.
  static bool is_long(const HttpRequest& request);
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
  // The name of the user the request's bearer token (remembered for a moment) or session cookie
  // stands for. A change signed in by the cookie must carry the session's CSRF token.
  Result<std::string> sign_in(Store& store, const HttpRequest& request);
  // /api/v1/session: a person signing in with a password (POST), who is signed in (GET), and
  // signing out (DELETE). See session_routes.cpp.
  HttpReply session(const HttpRequest& request);
  HttpReply start_session(const HttpRequest& request);
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
  SessionOptions sessions_;
  SignInThrottle throttle_;
};

}  // namespace beaver
