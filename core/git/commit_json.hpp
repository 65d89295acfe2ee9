#pragma once
// Commits as JSON, the one form MANIFEST.json records a package's history in and the API shows
// a release's changes in: [{commit, subject, author, time}], newest first.

#include <Poco/JSON/Array.h>

#include <vector>

#include "git/git.hpp"

namespace beaver {

Poco::JSON::Array::Ptr commits_json(const std::vector<CommitSummary>& commits);

}  // namespace beaver
