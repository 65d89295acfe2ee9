#include "deploy/health.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <thread>

#include "error/error.hpp"

namespace beaver {

HealthResult check_health(const std::string& address, int port, const std::string& path,
                          std::chrono::milliseconds deadline, const std::function<bool()>& alive) {
  using clock = std::chrono::steady_clock;
  auto started = clock::now();
  auto last_alive_check = started;
  HealthResult r;
  for (;;) {
    ++r.attempts;
    try {
      Poco::Net::HTTPClientSession session(address, static_cast<Poco::UInt16>(port));
      session.setTimeout(Poco::Timespan(2, 0));
      Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                     Poco::Net::HTTPMessage::HTTP_1_1);
      request.set("User-Agent", "beaver-health");
      session.sendRequest(request);
      Poco::Net::HTTPResponse response;
      std::istream& body = session.receiveResponse(response);
      std::string text(std::istreambuf_iterator<char>(body), {});
      if (text.size() > 200) text.resize(200);
      r.last = fmt::format("HTTP {} {}", static_cast<int>(response.getStatus()), text);
      int status = static_cast<int>(response.getStatus());
      if (status >= 200 && status < 300) r.healthy = true;
    } catch (const Poco::Exception& e) {
      r.last = e.displayText();
    } catch (const std::exception& e) {
      r.last = e.what();
    }
    auto now = clock::now();
    r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - started);
    if (r.healthy || now - started >= deadline) return r;
    if (alive && now - last_alive_check >= std::chrono::seconds(1)) {
      last_alive_check = now;
      if (!alive()) {
        r.last += " (the service is not running)";
        return r;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace beaver
