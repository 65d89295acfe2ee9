#include "deploy/transport.hpp"

#include <unistd.h>

#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "digest/sha256.hpp"
#include "model/names.hpp"
#include "process/process.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;
constexpr size_t kMaxOutput = 64 * 1024;

Result<HostReply> run_argv(const std::vector<std::string>& argv, const fs::path& input,
                           std::chrono::milliseconds timeout) {
  HostReply reply;
  auto r = run_process(
      argv, "/",
      [&](std::string_view chunk) {
        reply.output.append(chunk);
        if (reply.output.size() > 2 * kMaxOutput)
          reply.output.erase(0, reply.output.size() - kMaxOutput);
      },
      ProcessOptions{input, timeout});
  if (!r) return std::unexpected(r.error());
  if (reply.output.size() > kMaxOutput) reply.output.erase(0, reply.output.size() - kMaxOutput);
  reply.exit_code = r->exit_code;
  reply.elapsed = r->elapsed;
  if (r->timed_out) reply.output += fmt::format("\n(stopped after {} s)", timeout.count() / 1000);
  // Cut at any byte above, and whatever the host printed: made text every store records whole.
  reply.output = recordable_text(reply.output);
  return reply;
}

class LocalTransport final : public HostTransport {
 public:
  LocalTransport(fs::path script, std::string dir, std::string address)
      : script_(std::move(script)), dir_(std::move(dir)), address_(std::move(address)) {}

  Result<HostReply> prepare() override {
    std::error_code ec;
    if (!fs::is_regular_file(script_, ec))
      return fail(ErrorKind::internal, "{} is missing: beaver's data folder is incomplete",
                  script_.string());
    return HostReply{};
  }

  Result<HostReply> run(const std::string& op, const std::vector<std::string>& args,
                        const fs::path& input, std::chrono::milliseconds timeout) override {
    std::vector<std::string> argv{"/bin/sh", script_.string(), op, dir_};
    for (const auto& a : args) {
      BEAVER_TRY(remote_quote(a));  // the same rule as on ssh, so both transports agree
      argv.push_back(a);
    }
    return run_argv(argv, input, timeout);
  }

  std::string address() const override { return address_; }

 private:
  fs::path script_;
  std::string dir_;
  std::string address_;
};

// Hosts reached through one ssh destination share its master connection. The first command to a
// destination runs alone, so it opens the master and the others find it, instead of racing to
// open one each (all but one of which would then run without multiplexing).
std::mutex& destination_mutex(const std::string& destination) {
  static std::mutex registry_mutex;
  static std::map<std::string, std::unique_ptr<std::mutex>> registry;
  std::lock_guard lock(registry_mutex);
  auto& m = registry[destination];
  if (!m) m = std::make_unique<std::mutex>();
  return *m;
}

class SshTransport final : public HostTransport {
 public:
  SshTransport(const HostSpec& host, fs::path script, std::string dir,
               const TransportOptions& options)
      : host_(host), script_(std::move(script)), dir_(std::move(dir)), options_(options) {}

  Result<HostReply> prepare() override {
    std::ifstream in(script_, std::ios::binary);
    if (!in)
      return fail(ErrorKind::internal, "{} is missing: beaver's data folder is incomplete",
                  script_.string());
    std::stringstream content;
    content << in.rdbuf();
    // Named by its checksum: hosts deployed by different beaver versions keep each their own.
    remote_script_ =
        fmt::format("{}/.beaver/deploy-host-{}.sh", dir_, sha256_hex(content.str()).substr(0, 12));
    std::vector<std::string> q;
    for (const auto& path : {dir_ + "/.beaver", remote_script_ + ".part", remote_script_}) {
      auto quoted = remote_quote(path);
      if (!quoted) return std::unexpected(quoted.error());
      q.push_back(*quoted);
    }
    std::lock_guard first(
        destination_mutex(fmt::format("{}@{}:{}", host_.user, host_.host, host_.ssh_port)));
    return ssh(fmt::format("mkdir -p {} && cat >{} && mv -f {} {}", q[0], q[1], q[1], q[2]),
               script_, std::chrono::seconds(60));
  }

  Result<HostReply> run(const std::string& op, const std::vector<std::string>& args,
                        const fs::path& input, std::chrono::milliseconds timeout) override {
    if (remote_script_.empty()) return fail(ErrorKind::internal, "ssh transport not prepared");
    std::string command = "sh";
    for (const std::string* a : {static_cast<const std::string*>(&remote_script_), &op,
                                 static_cast<const std::string*>(&dir_)}) {
      auto q = remote_quote(*a);
      if (!q) return std::unexpected(q.error());
      command += " " + *q;
    }
    for (const auto& a : args) {
      auto q = remote_quote(a);
      if (!q) return std::unexpected(q.error());
      command += " " + *q;
    }
    return ssh(command, input, timeout);
  }

  void close() override {
    if (!opened_) return;
    auto argv = options_argv();
    argv.insert(argv.end(), {"-O", "exit", "--", host_.host});
    (void)run_argv(argv, {}, std::chrono::seconds(10));
    opened_ = false;
  }

  std::string address() const override { return host_.host; }

 private:
  // ssh and its options, up to the destination.
  std::vector<std::string> options_argv() const {
    std::vector<std::string> argv{options_.ssh_program};
    if (!options_.ssh_config.empty()) argv.insert(argv.end(), {"-F", options_.ssh_config.string()});
    argv.insert(argv.end(), {"-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-o",
                             "ServerAliveInterval=15", "-o", "ControlMaster=auto", "-o",
                             "ControlPath=" + control_dir() + "/%C", "-o", "ControlPersist=120"});
    if (host_.ssh_port != 22) argv.insert(argv.end(), {"-p", std::to_string(host_.ssh_port)});
    if (!host_.user.empty()) argv.insert(argv.end(), {"-l", host_.user});
    return argv;
  }

  static std::string control_dir() {
    // Short and private: a unix socket path is limited to about 100 bytes.
    std::string dir = fmt::format("/tmp/beaver-ssh-{}", getuid());
    std::error_code ec;
    fs::create_directory(dir, ec);
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    return dir;
  }

  Result<HostReply> ssh(const std::string& command, const fs::path& input,
                        std::chrono::milliseconds timeout) {
    auto argv = options_argv();
    argv.insert(argv.end(), {"--", host_.host, command});
    opened_ = true;
    auto r = run_argv(argv, input, timeout);
    if (r && r->exit_code == 255)
      r->output = fmt::format("ssh to {} failed (exit 255): {}", host_.url, r->output);
    return r;
  }

  HostSpec host_;
  fs::path script_;
  std::string dir_;
  TransportOptions options_;
  std::string remote_script_;
  bool opened_ = false;
};

}  // namespace

Result<std::string> remote_quote(const std::string& arg) {
  if (arg.empty()) return fail(ErrorKind::bad_input, "an empty argument for a deploy host");
  if (arg.front() == '-')
    return fail(ErrorKind::bad_input, "argument '{}' for a deploy host starts with '-'", arg);
  for (unsigned char c : arg)
    if (!std::isalnum(c) &&
        std::string_view("._+-/:@=,").find(static_cast<char>(c)) == std::string_view::npos)
      return fail(ErrorKind::bad_input, "argument '{}' for a deploy host holds '{}'", arg,
                  static_cast<char>(c));
  return "'" + arg + "'";
}

Result<std::unique_ptr<HostTransport>> make_transport(const HostSpec& host,
                                                      const std::string& service,
                                                      const TransportOptions& options) {
  std::string dir = host.root + (host.root.ends_with('/') ? "" : "/") + service;
  BEAVER_TRY(remote_quote(dir));
  fs::path script = options.data_dir / "templates" / "deploy-host.sh";
  if (host.kind == HostSpec::Kind::local)
    return std::make_unique<LocalTransport>(script, dir, "127.0.0.1");
  BEAVER_TRY(remote_quote(host.host));
  return std::make_unique<SshTransport>(host, script, dir, options);
}

}  // namespace beaver
