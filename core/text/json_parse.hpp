#pragma once
// JSON from outside (request bodies, a package's MANIFEST.json), parsed so that what beaver acts
// on is what every reader sees: an object that names a key twice is refused, where Poco (and
// most parsers) would silently keep one of the two.

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <string>

#include "error/error.hpp"

namespace beaver {

// The document in `text`; bad_input "WHAT is not JSON: ..." or "WHAT names 'key' twice".
Result<Poco::Dynamic::Var> parse_json(const std::string& text, std::string_view what);

// The same, for a document that must be an object.
Result<Poco::JSON::Object::Ptr> parse_json_object(const std::string& text, std::string_view what);

}  // namespace beaver
