#pragma once
// Releases as people read them in a terminal, drawn from the API's JSON documents, so a command
// prints the same lines whether the ledger is here or behind a server.

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

namespace beaver::cli {

// A field as text: "" when absent or null.
std::string text_of(const Poco::JSON::Object::Ptr& o, const std::string& key);
std::optional<std::string> optional_of(const Poco::JSON::Object::Ptr& o, const std::string& key);

// A release view (GET /api/v1/releases/{id}) as lines.
std::vector<std::string> describe_release(const Poco::JSON::Object::Ptr& view,
                                          const std::optional<std::string>& page = {});

}  // namespace beaver::cli
