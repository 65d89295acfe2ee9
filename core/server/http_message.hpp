#pragma once
// A request and its reply as the API sees them, apart from the sockets: what server.cpp reads off
// the wire and writes back.

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace beaver {

struct HttpRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> query;
  std::string authorization;  // the Authorization header, as sent
  std::string cookie;         // the Cookie header, as sent
  std::string csrf;           // the X-CSRF-Token header, as sent
  // The client's address as the server counts connections (an IPv6 client's /64); empty where
  // no socket is behind the request.
  std::string client;
  std::string body;
  // An upload's body, streamed to this file instead (see Api::admit_upload).
  std::filesystem::path body_file;
};

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string route;  // the matched route's pattern, for metrics
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace beaver
