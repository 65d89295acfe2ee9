#pragma once
// Reading what a request's path and query name: the path's parts, a numeric id, a query parameter,
// and the refusal of a parameter a route does not take (so a misspelt one is not ignored).

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error/error.hpp"
#include "server/http_message.hpp"

namespace beaver {

// "/api/v1/releases/7" -> {"api", "v1", "releases", "7"}; empty parts are skipped.
std::vector<std::string> split_path(std::string_view path);

// A positive id from a path part; not_found otherwise, as no such thing exists (`what`: "release").
Result<int64_t> id_param(const std::string& text, std::string_view what);

std::optional<std::string> query_param(const HttpRequest& r, const std::string& key);

// Only the parameters in `known`; bad_input naming any other.
Result<void> only_parameters(const HttpRequest& r, std::initializer_list<std::string_view> known);

}  // namespace beaver
