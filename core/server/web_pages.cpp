#include "server/web_pages.hpp"

#include <fmt/core.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "server/http_error.hpp"
#include "server/request_params.hpp"

namespace beaver {

HttpReply web_page(const HttpRequest& request, const std::filesystem::path& web_dir) {
  HttpReply reply;
  reply.route = "GET /web";
  if (request.method != "GET" && request.method != "HEAD") {
    return error_reply({ErrorKind::not_found, "no such page"}, reply.route);
  }
  // Only files named here are served: no path from the request reaches the file system.
  static const std::map<std::string, std::pair<std::string, std::string>> kFiles = {
      {"/web/app.js", {"app.js", "text/javascript; charset=utf-8"}},
      {"/web/style.css", {"style.css", "text/css; charset=utf-8"}},
      {"/web/report-text.json", {"report-text.json", "application/json; charset=utf-8"}},
  };
  std::string file = "index.html";
  std::string type = "text/html; charset=utf-8";
  if (auto found = kFiles.find(request.path); found != kFiles.end()) {
    file = found->second.first;
    type = found->second.second;
  } else {
    auto parts = split_path(request.path);
    static const std::set<std::string> kPages = {"inbox", "releases", "dashboard", "signin",
                                                 "rollback"};
    bool page = parts.empty() || (kPages.contains(parts[0]) && parts.size() <= 2);
    if (!page) return error_reply({ErrorKind::not_found, "no such page"}, reply.route);
  }
  std::ifstream in(web_dir / file, std::ios::binary);
  if (!in)
    return error_reply({ErrorKind::internal, fmt::format("web page {} is not installed", file)},
                       reply.route);
  std::ostringstream text;
  text << in.rdbuf();
  reply.body = text.str();
  reply.content_type = type;
  reply.headers.emplace_back("Cache-Control", "no-cache");
  reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
  reply.headers.emplace_back("Content-Security-Policy",
                             "default-src 'self'; img-src 'self' data:; style-src 'self' "
                             "'unsafe-inline'; frame-ancestors 'none'");
  return reply;
}

}  // namespace beaver
