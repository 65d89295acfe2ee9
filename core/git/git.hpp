#pragma once
// What a package records about where it came from, read from the service's git repository
// with libgit2: the commit, its time, the branch and tag, and whether the work tree is clean.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "clock/clock.hpp"
#include "error/error.hpp"

namespace beaver {

// One commit of a package's history, as MANIFEST.json records it.
struct CommitSummary {
  std::string commit;   // full hex id
  std::string subject;  // the message's first line
  std::string author;   // the author's name
  Timestamp time{};     // the commit time
};

// The most commits a package's history records.
inline constexpr size_t kHistoryLimit = 500;

struct GitFacts {
  std::filesystem::path workdir;  // the repository's work tree (dirty paths are relative to it)
  std::string commit;             // full hex id of HEAD
  Timestamp commit_time{};
  std::optional<std::string> branch;  // none when HEAD is detached
  std::optional<std::string> tag;     // a tag pointing exactly at HEAD
  std::string describe;               // `git describe --tags --always`
  std::vector<std::string> dirty;     // changed or untracked paths (not ignored ones)
  // HEAD and the commits before it along first parents (a merge counts as one change), newest
  // first, at most kHistoryLimit: what a release of this package brings beside an older one.
  std::vector<CommitSummary> history;
};

// Whether `file` is in the commit as it is on disk: tracked, unchanged, not ignored.
bool committed_unchanged(const std::filesystem::path& file);

// Reads the facts of the repository holding `dir`. Not a repository, or one without a commit,
// is bad_input.
Result<GitFacts> read_git_facts(const std::filesystem::path& dir);

}  // namespace beaver
