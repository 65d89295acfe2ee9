#pragma once
// A request's JSON body, read strictly: it must be an object; each field is asked for with its
// type; a field nobody asked for is an error, so a misspelt "coment" is not silently dropped.

#include <Poco/JSON/Object.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "error/error.hpp"

namespace beaver {

class JsonBody {
 public:
  // bad_input when `text` is not one JSON object. An empty body reads as {}.
  static Result<JsonBody> parse(const std::string& text);

  Result<std::string> text(const std::string& key);  // required
  Result<std::optional<std::string>> optional_text(const std::string& key);
  Result<bool> flag(const std::string& key);  // absent reads as false
  Result<std::optional<int64_t>> optional_integer(const std::string& key);
  Result<std::vector<std::string>> texts(const std::string& key);  // required array of strings
  Result<std::vector<std::string>> optional_texts(const std::string& key);  // absent: none
  // bad_input naming the first field that no call above asked for.
  Result<void> finish() const;

 private:
  explicit JsonBody(Poco::JSON::Object::Ptr object) : object_(std::move(object)) {}
  Result<std::optional<Poco::Dynamic::Var>> field(const std::string& key);

  Poco::JSON::Object::Ptr object_;
  std::set<std::string> asked_;
};

}  // namespace beaver
