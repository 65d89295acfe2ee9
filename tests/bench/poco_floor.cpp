// The floor of any server built on Poco's HTTPServer, for tests/bench/server.sh: as many workers
// as `beaver serve` (THREADS, each holding a connection for its life), a queue of 64, 5 s
// keep-alive, 10 s timeouts, and a handler that answers every request with the bytes of one file,
// as nginx serves it. Nothing a request costs beaver (routing, tokens, the ledger, JSON) is done
// here: what a thread-per-connection server gives at best, beside beaver's own front.
// usage: beaver_bench_poco_floor <file> [THREADS]   (prints "listening on
// http://127.0.0.1:PORT", then serves until SIGTERM or SIGINT; THREADS defaults to 16)

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <fmt/format.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace {

class FileHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit FileHandler(const std::string& body) : body_(body) {}
  void handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& res) override {
    res.setContentType("application/json");
    res.setContentLength64(static_cast<Poco::Int64>(body_.size()));
    res.send().write(body_.data(), static_cast<std::streamsize>(body_.size()));
  }

 private:
  const std::string& body_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(std::string body) : body_(std::move(body)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new FileHandler(body_);
  }

 private:
  std::string body_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    fmt::print(stderr, "usage: beaver_bench_poco_floor <file> [THREADS]\n");
    return 2;
  }
  int workers = argc == 3 ? std::atoi(argv[2]) : 16;
  if (workers < 1 || workers > 512) {
    fmt::print(stderr, "THREADS must be from 1 to 512\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    fmt::print(stderr, "cannot read {}\n", argv[1]);
    return 1;
  }
  std::ostringstream body;
  body << in.rdbuf();

  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress("127.0.0.1:0"), true);
  socket.listen(256);
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(workers);
  params->setMaxQueued(64);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(5, 0));
  params->setMaxKeepAliveRequests(100);
  params->setTimeout(Poco::Timespan(10, 0));
  params->setServerName("beaver");
  Poco::ThreadPool threads("floor-http", 2, workers, 60);
  Poco::Net::HTTPServer server(new Factory(body.str()), threads, socket, params);
  server.start();
  fmt::print("listening on http://{}\n", socket.address().toString());
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  server.stopAll(false);
  threads.joinAll();
  return 0;
}
