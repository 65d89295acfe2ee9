#include "git/git.hpp"

#include <git2.h>

#include <memory>

namespace beaver {
namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
template <class T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

using Repository = Owned<git_repository, git_repository_free>;
using Reference = Owned<git_reference, git_reference_free>;
using Commit = Owned<git_commit, git_commit_free>;
using StatusList = Owned<git_status_list, git_status_list_free>;
using Describe = Owned<git_describe_result, git_describe_result_free>;
using Revwalk = Owned<git_revwalk, git_revwalk_free>;

// libgit2 wants one init per process before any call.
struct Library {
  Library() { git_libgit2_init(); }
  ~Library() { git_libgit2_shutdown(); }
};

std::string last_error() {
  const git_error* e = git_error_last();
  return e != nullptr && e->message != nullptr ? e->message : "unknown libgit2 error";
}

std::optional<std::string> describe(git_repository* repo, bool exact_tag) {
  git_describe_options opts = GIT_DESCRIBE_OPTIONS_INIT;
  opts.describe_strategy = GIT_DESCRIBE_TAGS;
  if (exact_tag)
    opts.max_candidates_tags = 0;
  else
    opts.show_commit_oid_as_fallback = 1;
  git_describe_result* raw = nullptr;
  if (git_describe_workdir(&raw, repo, &opts) != 0) return std::nullopt;
  Describe result(raw);
  git_describe_format_options fmt_opts = GIT_DESCRIBE_FORMAT_OPTIONS_INIT;
  git_buf buf = GIT_BUF_INIT;
  if (git_describe_format(&buf, result.get(), &fmt_opts) != 0) return std::nullopt;
  std::string out(buf.ptr, buf.size);
  git_buf_dispose(&buf);
  return out;
}

// The commit's first line, as `git log --format=%s` shows it.
std::string subject_of(const git_commit* commit) {
  const char* summary = git_commit_summary(const_cast<git_commit*>(commit));
  return summary != nullptr ? summary : "";
}

Result<std::vector<CommitSummary>> first_parent_history(git_repository* repo, const git_oid& head) {
  git_revwalk* raw = nullptr;
  if (git_revwalk_new(&raw, repo) != 0)
    return fail(ErrorKind::internal, "cannot walk the history: {}", last_error());
  Revwalk walk(raw);
  git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL);
  git_revwalk_simplify_first_parent(walk.get());
  if (git_revwalk_push(walk.get(), &head) != 0)
    return fail(ErrorKind::internal, "cannot walk the history: {}", last_error());
  std::vector<CommitSummary> out;
  git_oid id;
  while (out.size() < kHistoryLimit && git_revwalk_next(&id, walk.get()) == 0) {
    git_commit* raw_commit = nullptr;
    if (git_commit_lookup(&raw_commit, repo, &id) != 0)
      return fail(ErrorKind::internal, "cannot read commit {}: {}", git_oid_tostr_s(&id),
                  last_error());
    Commit commit(raw_commit);
    const git_signature* author = git_commit_author(commit.get());
    out.push_back({git_oid_tostr_s(&id), subject_of(commit.get()),
                   author != nullptr && author->name != nullptr ? author->name : "",
                   Timestamp{std::chrono::seconds{git_commit_time(commit.get())}}});
  }
  return out;
}

}  // namespace

bool committed_unchanged(const std::filesystem::path& file) {
  static Library library;
  git_repository* raw_repo = nullptr;
  if (git_repository_open_ext(&raw_repo, file.parent_path().c_str(), 0, nullptr) != 0) return false;
  Repository repo(raw_repo);
  const char* workdir = git_repository_workdir(repo.get());
  if (workdir == nullptr) return false;
  std::error_code ec;
  auto rel = std::filesystem::weakly_canonical(file, ec)
                 .lexically_relative(std::filesystem::weakly_canonical(workdir, ec))
                 .generic_string();
  unsigned flags = 0;
  if (rel.empty() || rel.starts_with("..") || git_status_file(&flags, repo.get(), rel.c_str()) != 0)
    return false;
  return flags == GIT_STATUS_CURRENT;
}

Result<GitFacts> read_git_facts(const std::filesystem::path& dir) {
  static Library library;
  git_repository* raw_repo = nullptr;
  if (git_repository_open_ext(&raw_repo, dir.c_str(), 0, nullptr) != 0)
    return fail(ErrorKind::bad_input,
                "{} is not in a git repository: a package is built from a git commit",
                dir.string());
  Repository repo(raw_repo);
  git_oid head;
  if (git_reference_name_to_id(&head, repo.get(), "HEAD") != 0)
    return fail(ErrorKind::bad_input, "the repository at {} has no commit yet", dir.string());
  git_commit* raw_commit = nullptr;
  if (git_commit_lookup(&raw_commit, repo.get(), &head) != 0)
    return fail(ErrorKind::internal, "cannot read HEAD in {}: {}", dir.string(), last_error());
  Commit commit(raw_commit);
  GitFacts f;
  if (const char* workdir = git_repository_workdir(repo.get())) f.workdir = workdir;
  f.commit = git_oid_tostr_s(&head);
  f.commit_time = Timestamp{std::chrono::seconds{git_commit_time(commit.get())}};
  if (git_repository_head_detached(repo.get()) != 1) {
    git_reference* raw_ref = nullptr;
    if (git_repository_head(&raw_ref, repo.get()) == 0) {
      Reference ref(raw_ref);
      f.branch = git_reference_shorthand(ref.get());
    }
  }
  f.tag = describe(repo.get(), true);
  f.describe = describe(repo.get(), false).value_or(f.commit.substr(0, 7));
  auto history = first_parent_history(repo.get(), head);
  if (!history) return std::unexpected(history.error());
  f.history = std::move(*history);
  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
  git_status_list* raw_status = nullptr;
  if (git_status_list_new(&raw_status, repo.get(), &opts) != 0)
    return fail(ErrorKind::internal, "cannot read the status of {}: {}", dir.string(),
                last_error());
  StatusList status(raw_status);
  for (size_t i = 0, n = git_status_list_entrycount(status.get()); i < n; ++i) {
    const git_status_entry* e = git_status_byindex(status.get(), i);
    const git_diff_delta* d =
        e->index_to_workdir != nullptr ? e->index_to_workdir : e->head_to_index;
    if (d != nullptr && d->new_file.path != nullptr) f.dirty.emplace_back(d->new_file.path);
  }
  return f;
}

}  // namespace beaver
