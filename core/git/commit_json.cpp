#include "git/commit_json.hpp"

#include <Poco/JSON/Object.h>

namespace beaver {

Poco::JSON::Array::Ptr commits_json(const std::vector<CommitSummary>& commits) {
  Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
  for (const auto& c : commits) {
    Poco::JSON::Object::Ptr j = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    j->set("commit", c.commit);
    j->set("subject", c.subject);
    j->set("author", c.author);
    j->set("time", format_utc(c.time));
    out->add(j);
  }
  return out;
}

}  // namespace beaver
