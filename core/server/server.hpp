#pragma once
// `beaver serve`: the REST API and the web pages over the same ledger the command line opens,
// behind an event-driven HTTP front (http_front.hpp) that reads whole requests before a worker
// runs them. Bounded everywhere: a fixed pool of workers, an explicit queue (a request past it is
// answered 503), connections per client address and overall, a deadline on every request's head,
// body and answer, and size limits on each. SIGTERM or SIGINT stops it gracefully: no new
// connections, the requests in flight answered, the database closed.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "clock/clock.hpp"
#include "error/error.hpp"
#include "ledger/ledger.hpp"
#include "policy/policy.hpp"
#include "store/database_url.hpp"

namespace beaver {

// Twice the cores: measured with tests/bench/server_pg.sh's load on 2 cores, 4 reads at once gave
// one server 10% more reads than no limit and two servers 70% more (5 to 8: within the noise for
// one, less for two; 2 left one server short of work).
int default_db_readers();

// Workers for the requests the ledger answers at once, when --threads is 0. On SQLite, the cores:
// its reads are CPU work and its writes take turns, so a worker more only waits for one. On
// PostgreSQL, 16: each request waits on the database's round trips, and writers that wait
// together share a commit.
int default_threads(DatabaseUrl::Kind database);

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  int threads = 0;                        // workers for quick requests; 0: default_threads()
  int long_threads = 4;  // workers for requests that may take seconds (reports, uploads, status)
  int queue = 64;        // requests waiting for a worker, in each lane
  int backlog = 256;
  std::chrono::seconds keep_alive{5};  // an idle connection is closed after this
  // Answers on one connection before it is closed (Apache's default): a busy client reconnects
  // now and then, and so spreads over the servers behind a balancer.
  int keep_alive_requests = 100;
  std::chrono::seconds header_timeout{10};  // a request's head, from its first byte
  int body_min_rate_kib = 64;               // a body's (and an answer's) rate, after the above
  std::chrono::seconds body_timeout{600};   // a body's whole time, whatever its rate
  int max_connections = 0;                  // open at once; 0: from the open-file limit
  int max_connections_per_address = 256;    // open at once from one client address
  size_t max_body = 1 << 20;                // a JSON request's body
  uint64_t max_package = 512ull << 20;      // an uploaded package (PUT /api/v1/packages/{sha256})
  uint64_t max_unpacked = 2048ull << 20;    // what an uploaded package's files come to, unpacked
  DatabaseUrl database;                     // the ledger: a SQLite file or a PostgreSQL database
  std::filesystem::path migrations_root;    // schemas/migrations
  std::filesystem::path web_dir;            // templates/web
  std::filesystem::path home;               // BEAVER_HOME: its packages/ holds what deploys upload
  std::filesystem::path data_dir;           // holds templates/deploy-host.sh
  int deploys = 4;                          // deploys running at once
  int db_readers = default_db_readers();    // on PostgreSQL, reads at once at most (0: no limit)
  SessionLimits sessions;                   // people's sign-ins on the web pages
  LdapDirectory directory;  // where their passwords are checked, if not in the ledger
};

// Connections open at once by default: what the open-file limit `files` leaves, once the
// database, deploys and logs have theirs, with one file beside each connection for an upload.
int default_max_connections(uint64_t files);

// Runs until a SIGTERM or SIGINT. `ready` gets the address it listens on ("127.0.0.1:8080");
// `log` gets one line per event worth an operator's eye.
Result<void> serve(const ServeOptions& options, const Policy& policy, const Clock& clock,
                   const std::function<void(const std::string&)>& ready,
                   const std::function<void(const std::string&)>& log);

}  // namespace beaver
