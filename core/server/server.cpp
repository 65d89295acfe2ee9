#include "server/server.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <istream>
#include <thread>

#include "notify/notifier.hpp"
#include "ops/ops_json.hpp"
#include "server/api.hpp"
#include "server/deploy_executor.hpp"
#include "server/http_error.hpp"
#include "store/open_store.hpp"

namespace beaver {
namespace {

using Clock_ = std::chrono::steady_clock;

// A file that is removed when it goes out of scope unless it was moved away meanwhile: an
// upload's body, which the API renames into place only once every check passed.
class TemporaryFile {
 public:
  explicit TemporaryFile(std::filesystem::path path) : path_(std::move(path)) {}
  ~TemporaryFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Copies at most `limit` bytes of the body to `fd`; false when it is longer (or cannot be
// written: `error` says so).
bool stream_body(std::istream& in, int fd, uint64_t limit, std::string& error) {
  char chunk[65536];
  uint64_t total = 0;
  while (in) {
    in.read(chunk, sizeof chunk);
    auto n = static_cast<size_t>(in.gcount());
    total += n;
    if (total > limit) return false;
    for (size_t done = 0; done < n;) {
      auto wrote = ::write(fd, chunk + done, n - done);
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote <= 0) {
        error = strerror(errno);
        return false;
      }
      done += static_cast<size_t>(wrote);
    }
  }
  return true;
}

// Reads at most `limit` bytes of the body; nullopt when it is longer.
std::optional<std::string> read_body(std::istream& in, size_t limit) {
  std::string body;
  char chunk[16384];
  while (in) {
    in.read(chunk, sizeof chunk);
    body.append(chunk, static_cast<size_t>(in.gcount()));
    if (body.size() > limit) return std::nullopt;
  }
  return body;
}

// An upload's body is written to a temporary file that is removed once the request ends; one is
// left only when a server died mid-upload. A body still being received is written to all along,
// and a stalled one ends at the request timeout, so a file untouched this long is such a one.
constexpr std::chrono::hours kLeftUploadAge{1};

// Removes the uploads left in `folder` by a server that died while receiving them; says so.
void remove_left_uploads(const std::filesystem::path& folder,
                         const std::function<void(const std::string&)>& log) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto now = fs::file_time_type::clock::now();
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    auto name = it->path().filename().string();
    std::error_code stat_ec;
    if (!name.starts_with(".upload-") || !it->is_regular_file(stat_ec)) continue;
    auto written = it->last_write_time(stat_ec);
    if (stat_ec || now - written < kLeftUploadAge) continue;
    if (fs::remove(it->path(), stat_ec))
      log(fmt::format("removed {}, an upload left by a server that stopped while receiving it",
                      it->path().string()));
  }
}

struct BodyLimits {
  size_t json = 1 << 20;
  uint64_t package = 512ull << 20;
  std::filesystem::path uploads;  // where an upload's body is written, beside the packages
};

class RequestHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  RequestHandler(Api& api, Metrics& metrics, const BodyLimits& limits)
      : api_(api), metrics_(metrics), limits_(limits), max_body_(limits.json) {}

  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& res) override {
    auto start = Clock_::now();
    HttpReply reply = answer(req);
    // An unread body is still on the wire: the connection cannot carry another request.
    if (reply.status == 413 || body_unread_) res.setKeepAlive(false);
    res.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    res.setContentType(reply.content_type);
    for (const auto& [name, value] : reply.headers) res.set(name, value);
    res.setContentLength64(static_cast<Poco::Int64>(reply.body.size()));
    auto& out = res.send();
    if (req.getMethod() != "HEAD") out.write(reply.body.data(), std::ssize(reply.body));
    metrics_.observe(reply.route.empty() ? "other" : reply.route, reply.status,
                     std::chrono::duration_cast<std::chrono::microseconds>(Clock_::now() - start));
  }

 private:
  HttpReply answer(Poco::Net::HTTPServerRequest& req) {
    HttpRequest r;
    r.method = req.getMethod();
    try {
      Poco::URI uri(req.getURI());
      r.path = uri.getPath();
      for (auto& [key, value] : uri.getQueryParameters()) r.query[key] = value;
    } catch (const Poco::Exception&) {
      return error_reply({ErrorKind::bad_input, "malformed request URI"}, "bad request");
    }
    r.authorization = req.get("Authorization", "");
    bool has_body = req.hasContentLength() || req.getChunkedTransferEncoding();
    body_unread_ = has_body;
    if (Api::is_upload(r)) return upload(req, r);
    auto too_large = [&] {
      auto reply = error_reply(
          {ErrorKind::bad_input, fmt::format("the body is over the limit of {} bytes", max_body_)},
          "too large");
      reply.status = 413;
      return reply;
    };
    if (req.hasContentLength() && req.getContentLength64() > static_cast<Poco::Int64>(max_body_))
      return too_large();
    // Without a length or chunks there is no body; reading would wait for the peer to close.
    if (!req.hasContentLength() && !req.getChunkedTransferEncoding()) return api_.handle(r);
    if (auto refused = api_.admit(r)) return *refused;
    auto body = read_body(req.stream(), max_body_);
    if (!body) return too_large();
    body_unread_ = false;
    r.body = std::move(*body);
    return api_.handle(r);
  }

  // A package's bytes go to a temporary file beside the packages, never into memory, within
  // their own limit; the name and the token are checked before a byte is read.
  HttpReply upload(Poco::Net::HTTPServerRequest& req, HttpRequest& r) {
    const std::string route = "PUT /api/v1/packages/{sha256}";
    auto too_large = [&] {
      auto reply = error_reply(
          {ErrorKind::bad_input, fmt::format("the package is over the limit of {} bytes (beaver "
                                             "serve --max-package-mib)",
                                             limits_.package)},
          route);
      reply.status = 413;
      return reply;
    };
    if (auto refused = api_.admit_upload(r)) return *refused;
    if (!req.hasContentLength() && !req.getChunkedTransferEncoding())
      return error_reply({ErrorKind::bad_input, "send the package's .tar.gz as the body"}, route);
    if (req.hasContentLength() && static_cast<uint64_t>(req.getContentLength64()) > limits_.package)
      return too_large();
    std::error_code ec;
    std::filesystem::create_directories(limits_.uploads, ec);
    std::string pattern = (limits_.uploads / ".upload-XXXXXX").string();
    int fd = mkstemp(pattern.data());
    if (fd < 0)
      return error_reply(
          {ErrorKind::internal,
           fmt::format("cannot write in {}: {}", limits_.uploads.string(), strerror(errno))},
          route);
    TemporaryFile file(pattern);
    std::string error;
    bool whole = stream_body(req.stream(), fd, limits_.package, error);
    bool closed = ::close(fd) == 0;
    if (!whole && error.empty()) return too_large();
    if (!whole || !closed)
      return error_reply({ErrorKind::internal, fmt::format("cannot keep the upload: {}", error)},
                         route);
    body_unread_ = false;
    r.body_file = file.path();
    return api_.handle(r);
  }

  Api& api_;
  Metrics& metrics_;
  const BodyLimits& limits_;
  size_t max_body_;
  bool body_unread_ = false;
};

class HandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  HandlerFactory(Api& api, Metrics& metrics, BodyLimits limits)
      : api_(api), metrics_(metrics), limits_(std::move(limits)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new RequestHandler(api_, metrics_, limits_);
  }

 private:
  Api& api_;
  Metrics& metrics_;
  BodyLimits limits_;
};

}  // namespace

int default_db_readers() {
  return static_cast<int>(std::clamp(2 * std::thread::hardware_concurrency(), 2u, 64u));
}

Result<void> serve(const ServeOptions& o, const Policy& policy, const Clock& clock,
                   const std::function<void(const std::string&)>& ready,
                   const std::function<void(const std::string&)>& log) {
  // Blocked in every thread started from here on, so only the wait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  StorePool pool(o.database, o.migrations_root, SqliteOptions{},
                 static_cast<size_t>(std::max(o.db_readers, 0)));
  {
    auto first = pool.borrow();  // opens and migrates now, so a bad ledger stops the start
    if (!first) return std::unexpected(first.error());
  }

  remove_left_uploads(o.home / "packages", log);

  Poco::Net::ServerSocket socket;
  try {
    socket.bind(Poco::Net::SocketAddress(o.listen), true);
    socket.listen(o.backlog);
  } catch (const Poco::Exception& e) {
    return fail(ErrorKind::bad_input, "cannot listen on {}: {}", o.listen, e.displayText());
  }

  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(o.threads);
  params->setMaxQueued(o.queue);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(o.keep_alive.count(), 0));
  // Poco gives a kept-alive connection its worker until it closes: with more busy clients than
  // workers, those queued behind would wait for good. Closing after 100 answers (Apache's
  // default) hands the worker on while costing a busy client one reconnection per 100 requests.
  params->setMaxKeepAliveRequests(o.keep_alive_requests);
  params->setTimeout(Poco::Timespan(o.timeout.count(), 0));
  params->setServerName("beaver");

  // Notifications go out from their own thread, so a channel that is down never holds a request.
  auto delivery = delivery_options_from_environment();
  if (!delivery) return std::unexpected(delivery.error());
  Notifier notifier([&o] { return open_store(o.database, o.migrations_root); }, clock, *delivery);
  notifier.start();

  auto deploy_options = deploy_options_from_environment(o.home, o.data_dir);
  if (!deploy_options) return std::unexpected(deploy_options.error());
  DeployExecutor deploys([&o] { return open_store(o.database, o.migrations_root); }, clock, policy,
                         *deploy_options, o.deploys);
  HostAccess hosts;
  hosts.options = *deploy_options;
  hosts.start = [&deploys](const std::string& actor, int64_t release_id,
                           const DeployRequest& r) -> Result<JsonObject> {
    auto started = deploys.start(actor, release_id, r.batches, static_cast<int>(r.parallel));
    if (!started) return std::unexpected(started.error());
    return deploy_started_json(started->deploy_id, started->plan, started->recovered);
  };
  hosts.stop = [&deploys](int64_t deploy_id) { return deploys.stop_deploy(deploy_id); };
  hosts.take_files = true;  // the uploads, written to its own temporary files
  hosts.max_unpacked = o.max_unpacked;

  // Poco asserts that the pool's floor is not above its ceiling: `--threads 1` is one thread.
  Poco::ThreadPool threads("beaver-http", std::min(2, o.threads), o.threads, 60);
  Metrics metrics;
  Poco::Net::HTTPServer* server_ptr = nullptr;
  Api api(
      pool, clock, policy, metrics,
      [&server_ptr, &threads] {
        ServerGauges g;
        if (server_ptr != nullptr) {
          g.refused_connections = server_ptr->refusedConnections();
          g.queued_connections = server_ptr->queuedConnections();
        }
        g.current_threads = threads.used();
        return g;
      },
      o.web_dir, [&notifier] { notifier.wake(); }, &hosts);
  Poco::Net::HTTPServer server(
      new HandlerFactory(api, metrics, {o.max_body, o.max_package, o.home / "packages"}), threads,
      socket, params);
  server_ptr = &server;
  server.start();
  ready(socket.address().toString());

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  log(fmt::format("{}: stopping; finishing {} connection(s) in flight",
                  signal_number == SIGTERM ? "SIGTERM" : "SIGINT", server.currentConnections()));
  // Stops accepting; each connection ends after the request it is serving.
  server.stopAll(false);
  threads.joinAll();
  deploys.stop();  // running deploys stop between steps, as on Ctrl-C, and record it
  notifier.stop();
  log("stopped");
  return {};
}

}  // namespace beaver
