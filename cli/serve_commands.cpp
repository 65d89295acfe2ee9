// beaver serve: the REST API and web pages over this machine's ledger.

#include <charconv>
#include <iostream>

#include "command_help.hpp"
#include "commands.hpp"
#include "paths/paths.hpp"
#include "server/server.hpp"

namespace beaver::cli {

void register_serve_commands(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ServeOptions>();
  auto max_body_kib = std::make_shared<size_t>(o->max_body / 1024);
  auto max_package_mib = std::make_shared<uint64_t>(o->max_package >> 20);
  auto max_unpacked_mib = std::make_shared<uint64_t>(o->max_unpacked >> 20);
  auto database_option = std::make_shared<std::string>();
  auto keep_alive = std::make_shared<int>(static_cast<int>(o->keep_alive.count()));
  auto header_timeout = std::make_shared<int>(static_cast<int>(o->header_timeout.count()));
  auto session_idle = std::make_shared<int>(static_cast<int>(o->sessions.idle.count()));
  auto session_lifetime = std::make_shared<int>(static_cast<int>(o->sessions.absolute.count()));
  auto body_timeout = std::make_shared<int>(static_cast<int>(o->body_timeout.count()));
  auto* serve_cmd = app.add_subcommand("serve", "serve the REST API and the web pages");
  add_help(*serve_cmd,
           "Serves the ledger in $BEAVER_HOME (or --database, or BEAVER_DATABASE) under /api/v1, "
           "with /healthz and /metrics at the root.\n\nA token revoked through this server stops "
           "working at once; one revoked by the command line or another server, within 2 s (the "
           "server remembers a token's user that long).",
           {"beaver serve --listen 0.0.0.0:8080",
            "beaver serve --database postgresql://beaver@db.example.com/beaver --threads 32"});
  serve_cmd->add_option("--listen", o->listen, "HOST:PORT to listen on (port 0: a free one)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--threads", o->threads,
                   "worker threads for quick requests; they run whole requests, never wait on a "
                   "client (0: the cores on SQLite, 16 on PostgreSQL)")
      ->capture_default_str()
      ->check(CLI::Range(0, 512));
  serve_cmd
      ->add_option("--long-threads", o->long_threads,
                   "worker threads for requests that may take seconds: reports, audit log, "
                   "package uploads, hosts' status")
      ->capture_default_str()
      ->check(CLI::Range(1, 512));
  serve_cmd
      ->add_option("--queue", o->queue,
                   "requests read whole that may wait for a worker; one more is answered 503")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  serve_cmd
      ->add_option("--max-connections", o->max_connections,
                   "connections open at once; past it the idle one unused longest is closed "
                   "(0: about half the open-file limit, which the server raises to its ceiling)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1 << 24));
  serve_cmd
      ->add_option("--max-connections-per-address", o->max_connections_per_address,
                   "connections open at once from one client address (an IPv6 /64); more are "
                   "closed at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 24));
  serve_cmd->add_option("--keep-alive", *keep_alive, "seconds an idle connection is kept")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  serve_cmd
      ->add_option("--keep-alive-requests", o->keep_alive_requests,
                   "answers on one connection before it is closed")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  serve_cmd
      ->add_option("--header-timeout", *header_timeout,
                   "seconds a request's line and headers may take from its first byte; also a "
                   "body's grace period before its minimum rate applies (408 past it)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  serve_cmd
      ->add_option("--body-min-rate-kib", o->body_min_rate_kib,
                   "KiB a second a body must average after its grace period, and an answer to "
                   "be read (408 past it)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  // Under the hour after which a server removes an upload's file it takes for a dead server's.
  serve_cmd
      ->add_option("--body-timeout", *body_timeout,
                   "seconds a body may take at most, whatever its rate (408 past it)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3000));
  serve_cmd->add_option("--deploys", o->deploys, "deploys run at once; more are refused")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  serve_cmd
      ->add_option("--db-readers", o->db_readers,
                   "on PostgreSQL, the most requests reading the database at once; more wait "
                   "their turn (0: no limit)")
      ->capture_default_str()
      ->check(CLI::Range(0, 512));
  serve_cmd->add_option("--max-body-kib", *max_body_kib, "largest request body accepted")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 20));
  serve_cmd
      ->add_option("--max-package-mib", *max_package_mib,
                   "largest package accepted by PUT /api/v1/packages/{sha256}")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 20));
  serve_cmd
      ->add_option("--max-unpacked-mib", *max_unpacked_mib,
                   "the most an uploaded package's files may come to, unpacked")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 20));
  serve_cmd
      ->add_option("--session-idle", *session_idle,
                   "seconds a person's sign-in on the web pages lasts without a request")
      ->capture_default_str()
      ->check(CLI::Range(1, 30 * 86400));
  serve_cmd
      ->add_option("--session-lifetime", *session_lifetime,
                   "seconds a person's sign-in on the web pages lasts at most")
      ->capture_default_str()
      ->check(CLI::Range(1, 30 * 86400));
  serve_cmd->add_option("--ldap-url", o->directory.url,
                        "an LDAP directory where people's passwords are checked when the ledger "
                        "has none for them: ldap://HOST[:PORT] or ldaps://HOST[:PORT]");
  serve_cmd->add_option("--ldap-user-dn", o->directory.user_dn,
                        "the DN a person binds as, {user} standing for their name, e.g. "
                        "uid={user},ou=people,dc=example,dc=org");
  serve_cmd->add_flag("--ldap-starttls", o->directory.start_tls,
                      "StartTLS on an ldap:// URL before a password is sent");
  serve_cmd->add_option("--database", *database_option,
                        "the ledger: postgresql://USER[:PASSWORD]@HOST[:PORT]/DB or "
                        "sqlite:///PATH (default: BEAVER_DATABASE, else the SQLite file in "
                        "$BEAVER_HOME)");
  on_run(serve_cmd, ctx,
         [&ctx, o, max_body_kib, max_package_mib, max_unpacked_mib, database_option, keep_alive,
          header_timeout, body_timeout, session_idle, session_lifetime]() -> Result<void> {
           auto policy = ctx.policy();
           if (!policy) return std::unexpected(policy.error());
           auto clock = ctx.clock();
           if (!clock) return std::unexpected(clock.error());
           auto home = beaver_home();
           if (!home) return std::unexpected(home.error());
           ServeOptions options = *o;
           options.max_body = *max_body_kib * 1024;
           options.max_package = *max_package_mib << 20;
           options.max_unpacked = *max_unpacked_mib << 20;
           options.keep_alive = std::chrono::seconds(*keep_alive);
           options.header_timeout = std::chrono::seconds(*header_timeout);
           options.body_timeout = std::chrono::seconds(*body_timeout);
           options.sessions.idle = std::chrono::seconds(*session_idle);
           options.sessions.absolute = std::chrono::seconds(*session_lifetime);
           if (options.directory.configured() || !options.directory.user_dn.empty())
             BEAVER_TRY(check_directory(options.directory));
           auto database = ledger_database(*database_option);
           if (!database) return std::unexpected(database.error());
           options.database = *database;
           options.migrations_root = data_dir() / "schemas/migrations";
           options.web_dir = data_dir() / "templates/web";
           options.home = *home;
           options.data_dir = data_dir();
           // Lines for the operator, flushed at once: tests and supervisors wait on them.
           return serve(
               options, **policy, **clock,
               [](const std::string& address) {
                 std::cout << "beaver serve: listening on http://" << address << std::endl;
               },
               [](const std::string& line) { std::cerr << "beaver serve: " << line << std::endl; });
         });
}

}  // namespace beaver::cli
