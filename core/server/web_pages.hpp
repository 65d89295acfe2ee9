#pragma once
// The web pages: the single-page app's files from the installed templates/web folder, served for
// the page paths the app knows (/, /inbox, /releases/42, ...), and nothing else.

#include <filesystem>

#include "server/http_message.hpp"

namespace beaver {

// The file for a GET or HEAD of a page path or one of the app's files; a JSON 404 for any other
// path or method. No part of the request's path reaches the file system.
HttpReply web_page(const HttpRequest& request, const std::filesystem::path& web_dir);

}  // namespace beaver
