#include "server/server.hpp"

#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <system_error>
#include <thread>

#include "notify/notifier.hpp"
#include "ops/ops_json.hpp"
#include "server/api.hpp"
#include "server/deploy_executor.hpp"
#include "server/http_front.hpp"
#include "server/upload_file.hpp"
#include "store/open_store.hpp"

namespace beaver {
namespace {

// Raises the open-file limit to its ceiling, so that connections are bounded by the server's own
// cap rather than by a default (often 1024) that was never chosen for it. The limit now.
uint64_t raise_open_files() {
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) != 0) return 1024;
  if (files.rlim_cur < files.rlim_max) {
    rlimit raised = files;
    // An unlimited ceiling is still bounded by the kernel's nr_open (2^20 by default).
    raised.rlim_cur = files.rlim_max == RLIM_INFINITY ? rlim_t{1} << 20 : files.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) files = raised;
  }
  return files.rlim_cur;
}

}  // namespace

int default_db_readers() {
  return static_cast<int>(std::clamp(2 * std::thread::hardware_concurrency(), 2u, 64u));
}

int default_threads(DatabaseUrl::Kind database) {
  if (database == DatabaseUrl::Kind::postgresql) return 16;
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 2u, 64u));
}

int default_max_connections(uint64_t files) {
  constexpr uint64_t kReserved = 256;
  if (files <= kReserved + 32) return 16;
  return static_cast<int>(std::min<uint64_t>((files - kReserved) / 2, 1 << 30));
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

  uint64_t files = raise_open_files();
  FrontOptions front_options;
  front_options.threads = o.threads > 0 ? o.threads : default_threads(o.database.kind);
  front_options.long_threads = o.long_threads;
  front_options.queue = static_cast<size_t>(o.queue);
  front_options.max_connections = static_cast<size_t>(
      o.max_connections > 0 ? o.max_connections : default_max_connections(files));
  front_options.max_connections_per_address = o.max_connections_per_address;
  auto& limits = front_options.limits;
  limits.keep_alive = o.keep_alive;
  limits.keep_alive_requests = o.keep_alive_requests;
  limits.header_timeout = o.header_timeout;
  limits.min_rate = static_cast<uint64_t>(o.body_min_rate_kib) << 10;
  limits.body_timeout = o.body_timeout;
  limits.body = {o.max_body, o.max_package, o.home / "packages"};

  Poco::Net::ServerSocket socket;
  try {
    socket.bind(Poco::Net::SocketAddress(o.listen), true);
    socket.listen(o.backlog);
  } catch (const Poco::Exception& e) {
    return fail(ErrorKind::bad_input, "cannot listen on {}: {}", o.listen, e.displayText());
  }

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
    auto started = deploys.start(actor, release_id, r.batches, static_cast<int>(r.parallel),
                                 r.repair, r.break_glass);
    if (!started) return std::unexpected(started.error());
    return deploy_started_json(started->deploy_id, started->plan, started->recovered);
  };
  hosts.stop = [&deploys](int64_t deploy_id) { return deploys.stop_deploy(deploy_id); };
  hosts.take_files = true;  // the uploads, written to its own temporary files
  hosts.max_unpacked = o.max_unpacked;

  Metrics metrics;
  std::unique_ptr<HttpFront> front;
  Api api(
      pool, clock, policy, metrics, [&front] { return front ? front->gauges() : ServerGauges{}; },
      o.web_dir, [&notifier] { notifier.wake(); }, &hosts,
      SessionOptions{o.sessions, policy.notify_base_url.starts_with("https://"), o.directory});
  try {
    front = std::make_unique<HttpFront>(socket, api, metrics, std::move(front_options));
  } catch (const std::system_error& e) {
    return fail(ErrorKind::internal, "cannot serve on {}: {}", o.listen, e.what());
  }
  std::thread reactor([&front] { front->run(); });
  ready(socket.address().toString());

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  log(fmt::format("{}: stopping; finishing {} connection(s) in flight",
                  signal_number == SIGTERM ? "SIGTERM" : "SIGINT", front->in_flight()));
  front->stop();
  reactor.join();
  front.reset();   // its workers, once the last request is answered
  deploys.stop();  // running deploys stop between steps, as on Ctrl-C, and record it
  notifier.stop();
  log("stopped");
  return {};
}

}  // namespace beaver
