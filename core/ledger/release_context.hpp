#pragma once
// What an approver needs beside a release: what runs on its environment now, and what this
// release changes against it: the commits between the two (from the history its package
// records) and the files that differ (from the two packages' manifests), with the text diff of
// the configuration files.

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

#include "git/git.hpp"
#include "model/release.hpp"
#include "store/store.hpp"

namespace beaver {

struct LiveRelease {
  Release release;                     // deployed there last
  std::optional<DeployRecord> deploy;  // its last deploy that succeeded
};

struct FileChange {
  std::string path;
  std::string change;  // added | removed | changed
  // A configuration file's text diff (text_diff), when both packages record its text (or this
  // one, for a file it adds).
  std::optional<std::string> diff{};
};

struct ReleaseChanges {
  // The commits this release adds to the live one (forward), or takes away (back: a rollback),
  // newest first, as its package's history records them.
  std::vector<CommitSummary> commits;
  std::string direction = "forward";
  // Whether `commits` are all of them: the history recorded reaches the other commit.
  bool complete = false;
  std::vector<FileChange> files;  // by path; empty when neither has a package
  bool files_known = false;       // both releases have packages
};

struct ReleaseContext {
  std::optional<LiveRelease> live;
  // None when nothing else is live, when this one is, or when this one may no longer be deployed
  // (it was replaced, rejected, cancelled or rolled back).
  std::optional<ReleaseChanges> changes;
};

// Reads the release's context inside `tx`.
ReleaseContext read_release_context(StoreTransaction& tx, const Release& release);

// {live: {release, version, commit, deployed_at, deployed_by} | null, changes: {...} | null}.
void set_context_json(Poco::JSON::Object& into, const ReleaseContext& context);

}  // namespace beaver
