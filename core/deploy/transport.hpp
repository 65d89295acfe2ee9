#pragma once
// How beaver reaches a deploy host: the operations of templates/deploy-host.sh, run on this
// machine with an argument vector (local:) or through the system's OpenSSH client (ssh://),
// where every argument is checked against a strict pattern and single-quoted, in batch mode, with
// one shared connection per host (ControlMaster).

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "error/error.hpp"
#include "service/manifest.hpp"

namespace beaver {

struct HostReply {
  int exit_code = 0;
  std::string output;  // stdout and stderr together, at most the last 64 KiB
  std::chrono::milliseconds elapsed{0};
};

struct TransportOptions {
  std::filesystem::path data_dir;    // holds templates/deploy-host.sh
  std::filesystem::path ssh_config;  // ssh -F; empty: the user's own ~/.ssh/config
  std::string ssh_program = "ssh";
};

class HostTransport {
 public:
  virtual ~HostTransport() = default;
  // Makes the host ready for operations (ssh: installs the operations script there).
  virtual Result<HostReply> prepare() = 0;
  // Runs operation `op` on the service's folder there; `input`, when given, is its stdin.
  virtual Result<HostReply> run(const std::string& op, const std::vector<std::string>& args,
                                const std::filesystem::path& input = {},
                                std::chrono::milliseconds timeout = std::chrono::minutes(10)) = 0;
  // Closes what the transport keeps open (ssh: the shared connection).
  virtual void close() {}
  // The address the service answers on there, for health checks.
  virtual std::string address() const = 0;
};

// The transport for `host`, acting on <root>/<service> there.
Result<std::unique_ptr<HostTransport>> make_transport(const HostSpec& host,
                                                      const std::string& service,
                                                      const TransportOptions& options);

// An argument as the remote shell must see it: refused unless it is made of letters, digits and
// ". _ + - / : @ = ," and does not start with '-'; then single-quoted.
Result<std::string> remote_quote(const std::string& arg);

}  // namespace beaver
