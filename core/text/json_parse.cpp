#include "text/json_parse.hpp"

#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <set>
#include <vector>

namespace beaver {
namespace {

struct DuplicateKey {
  std::string key;
};

// Poco's own handler, with the keys seen in each open object.
class StrictHandler final : public Poco::JSON::ParseHandler {
 public:
  void reset() override {
    Poco::JSON::ParseHandler::reset();
    keys_.clear();
  }
  void startObject() override {
    Poco::JSON::ParseHandler::startObject();
    keys_.emplace_back();
  }
  void endObject() override {
    if (!keys_.empty()) keys_.pop_back();
    Poco::JSON::ParseHandler::endObject();
  }
  void key(const std::string& k) override {
    if (!keys_.empty() && !keys_.back().insert(k).second) throw DuplicateKey{k};
    Poco::JSON::ParseHandler::key(k);
  }

 private:
  std::vector<std::set<std::string, std::less<>>> keys_;
};

}  // namespace

Result<Poco::Dynamic::Var> parse_json(const std::string& text, std::string_view what) {
  Poco::JSON::Parser parser(new StrictHandler);
  try {
    return parser.parse(text);
  } catch (const DuplicateKey& d) {
    return fail(ErrorKind::bad_input, "{} names '{}' twice", what, d.key);
  } catch (const Poco::Exception& e) {
    return fail(ErrorKind::bad_input, "{} is not JSON: {}", what, e.message());
  }
}

Result<Poco::JSON::Object::Ptr> parse_json_object(const std::string& text, std::string_view what) {
  auto parsed = parse_json(text, what);
  if (!parsed) return std::unexpected(parsed.error());
  if (parsed->type() != typeid(Poco::JSON::Object::Ptr))
    return fail(ErrorKind::bad_input, "{} must be a JSON object", what);
  return parsed->extract<Poco::JSON::Object::Ptr>();
}

}  // namespace beaver
