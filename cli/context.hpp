#pragma once
// What every command shares: the global options, the printer, and the ledger opened on demand
// (so `beaver --help` touches no database and user commands need no policy).

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "clock/clock.hpp"
#include "error/error.hpp"
#include "ledger/ledger.hpp"
#include "ops/operations.hpp"
#include "policy/policy.hpp"
#include "printer.hpp"
#include "store/database_url.hpp"
#include "store/store.hpp"
#include "value_kinds.hpp"

namespace beaver::cli {

// What a command does with the ledger. Only adding a user creates it (the first user of a ledger
// is its admin), so a read or a refused command on a fresh BEAVER_HOME leaves nothing behind.
enum class Access { read, write, create };

// The ledger's database: `option` (--database) when given, else BEAVER_DATABASE, else the SQLite
// file in $BEAVER_HOME.
Result<DatabaseUrl> ledger_database(const std::string& option);

struct GlobalOptions {
  std::string as;      // --as
  std::string policy;  // --policy
  std::string server;  // --server
};

class Context {
 public:
  explicit Context(Printer& printer) : out(printer) {}

  GlobalOptions options;
  Printer& out;
  // What each option of the command table takes, for completion.
  ValueKinds values;
  // How long a request to a server may wait for it; completion, which a person waits for at
  // every Tab, asks for less.
  std::chrono::milliseconds server_timeout = std::chrono::seconds(60);
  // The command chosen, as typed after `beaver` ("dev seed"), for messages.
  std::string command;

  // The acting user's name: --as, else BEAVER_USER, else the login name.
  Result<std::string> actor() const;
  Result<const Clock*> clock();
  // The ledger on this machine; refused in remote mode (see local_only), so no command quietly
  // acts on a local ledger while the user means the server's.
  Result<Store*> store(Access access);
  // bad_input naming the command when the commands go to a server: for what only the ledger's
  // own machine can do.
  Result<void> local_only() const;
  // The policy file's path: --policy, else BEAVER_POLICY, else $BEAVER_HOME/policy.yaml.
  Result<std::string> policy_path() const;
  Result<const Policy*> policy();
  // Whether a policy file is where policy_path() says (in remote mode: the server's is in force).
  bool has_policy() const;
  // Who acts, and the ledger with the store open (and the policy loaded when `with_policy`).
  struct Session {
    std::string actor;
    Ledger ledger;
  };
  Result<Session> session(Access access, bool with_policy = false);

  // What the commands ask of the ledger: a beaver server's operations when --server or
  // BEAVER_SERVER names one, else the ledger here, acting as actor().
  Result<Operations*> ops(Access access, bool with_policy = false);
  // Whether the commands go to a server.
  bool remote() const;
  // The web page of release `id`, the link a developer pastes into chat: on the server the
  // commands go to, else under the policy's notify_base_url; none when neither is known.
  std::optional<std::string> release_page(const std::string& id);
  // The address those pages are under, when known.
  std::optional<std::string> web_address();
  // How the local operations reach hosts, once ops() made them (null through a server): a
  // command that deploys in the foreground gives it its progress and its Ctrl-C flag.
  HostAccess* host_access() { return hosts_ ? &*hosts_ : nullptr; }

  // The command chosen on the command line runs after parsing; its outcome lands here.
  std::optional<Result<void>> outcome;
  // Set when the command changed a release: its notifications get one delivery pass.
  bool release_changed = false;

 private:
  // What acting on the ledger here needs: who, the store, the clock and (when asked) the policy.
  struct Local {
    std::string actor;
    Store* store;
    const Clock* clock;
    const Policy* policy;
  };
  Result<Local> local(Access access, bool with_policy);

  std::unique_ptr<Clock> clock_;
  std::unique_ptr<Store> store_;
  std::optional<Policy> policy_;
  std::optional<HostAccess> hosts_;
  std::unique_ptr<Operations> ops_;
};

}  // namespace beaver::cli
