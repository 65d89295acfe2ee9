#pragma once
// `beaver serve`: the REST API and the web pages on Poco's HTTP server, over the same ledger the
// command line opens. Bounded everywhere: a fixed pool of workers, an explicit queue (a
// connection past it is refused at once and counted), short keep-alive and socket timeouts, and
// header and body size limits. SIGTERM or SIGINT stops it gracefully: no new connections, the
// requests in flight answered, the database closed.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "clock/clock.hpp"
#include "error/error.hpp"
#include "policy/policy.hpp"
#include "store/database_url.hpp"

namespace beaver {

// Twice the cores: measured with tests/bench/server_pg.sh's load on 2 cores, 4 reads at once gave
// one server 10% more reads than no limit and two servers 70% more (5 to 8: within the noise for
// one, less for two; 2 left one server short of work).
int default_db_readers();

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  int threads = 16;
  int queue = 64;
  int backlog = 256;
  std::chrono::seconds keep_alive{5};
  int keep_alive_requests = 100;          // answers on one connection before it is closed
  std::chrono::seconds timeout{10};       // a socket read or write that stalls longer fails
  size_t max_body = 1 << 20;              // a JSON request's body
  uint64_t max_package = 512ull << 20;    // an uploaded package (PUT /api/v1/packages/{sha256})
  uint64_t max_unpacked = 2048ull << 20;  // what an uploaded package's files come to, unpacked
  DatabaseUrl database;                   // the ledger: a SQLite file or a PostgreSQL database
  std::filesystem::path migrations_root;  // schemas/migrations
  std::filesystem::path web_dir;          // templates/web
  std::filesystem::path home;             // BEAVER_HOME: its packages/ holds what deploys upload
  std::filesystem::path data_dir;         // holds templates/deploy-host.sh
  int deploys = 4;                        // deploys running at once
  int db_readers = default_db_readers();  // on PostgreSQL, reads at once at most (0: no limit)
};

// Runs until a SIGTERM or SIGINT. `ready` gets the address it listens on ("127.0.0.1:8080");
// `log` gets one line per event worth an operator's eye.
Result<void> serve(const ServeOptions& options, const Policy& policy, const Clock& clock,
                   const std::function<void(const std::string&)>& ready,
                   const std::function<void(const std::string&)>& log);

}  // namespace beaver
