#include "ledger/release_context.hpp"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <map>

#include "git/commit_json.hpp"
#include "model/names.hpp"
#include "text/text_diff.hpp"

namespace beaver {
namespace {

// A package's manifest as written by a developer's machine: every field is read defensively,
// and text that could steer a terminal loses its control characters.
std::string printable(std::string text) {
  for (auto& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return text;
}

// A diff of text people wrote, shown to approvers: its lines keep their tabs, and nothing that
// steers a terminal or shows text in another order than it is written.
std::string printable_diff(const std::string& diff) { return displayable_text(diff, true); }

struct ManifestView {
  std::vector<CommitSummary> history;
  std::map<std::string, std::string> files;   // path -> sha256
  std::map<std::string, std::string> config;  // path -> text, for configuration files
};

std::optional<ManifestView> parse_manifest_view(StoreTransaction& tx, const std::string& sha256) {
  auto package = tx.find_package(sha256);
  if (!package) return std::nullopt;
  ManifestView view;
  try {
    auto root =
        Poco::JSON::Parser().parse(package->manifest_json).extract<Poco::JSON::Object::Ptr>();
    if (auto files = root->getArray("files"))
      for (size_t i = 0; i < files->size(); ++i)
        if (auto f = files->getObject(static_cast<unsigned>(i)))
          view.files[f->optValue<std::string>("path", "")] = f->optValue<std::string>("sha256", "");
    if (auto config = root->getArray("config"))
      for (size_t i = 0; i < config->size(); ++i)
        if (auto c = config->getObject(static_cast<unsigned>(i)))
          view.config[c->optValue<std::string>("path", "")] = c->optValue<std::string>("text", "");
    auto git = root->getObject("git");
    auto history = git ? git->getArray("history") : nullptr;
    for (size_t i = 0; history && i < history->size() && i < kHistoryLimit; ++i) {
      auto c = history->getObject(static_cast<unsigned>(i));
      if (!c) continue;
      auto time = parse_iso8601(c->optValue<std::string>("time", ""));
      view.history.push_back({printable(c->optValue<std::string>("commit", "")),
                              printable(c->optValue<std::string>("subject", "")),
                              printable(c->optValue<std::string>("author", "")),
                              time ? *time : Timestamp{}});
    }
  } catch (const Poco::Exception&) {
    return ManifestView{};
  }
  return view;
}

std::optional<ManifestView> manifest_view(StoreTransaction& tx, const Release& r) {
  if (!r.package_sha256) return std::nullopt;
  return parse_manifest_view(tx, *r.package_sha256);
}

// Where `commit` (full, or the prefix a release was submitted with) is in `history`.
std::optional<size_t> position(const std::vector<CommitSummary>& history,
                               const std::optional<std::string>& commit) {
  if (!commit || commit->size() < 7) return std::nullopt;
  for (size_t i = 0; i < history.size(); ++i)
    if (history[i].commit.starts_with(*commit)) return i;
  return std::nullopt;
}

}  // namespace

ReleaseContext read_release_context(StoreTransaction& tx, const Release& release) {
  ReleaseContext out;
  auto current = tx.live_release(release.service, release.env);
  if (!current) return out;
  LiveRelease live{std::move(*current), std::nullopt};
  for (auto& d : tx.deploys_of(live.release.id))
    if (d.status == "deployed") live.deploy = std::move(d);
  out.live = std::move(live);
  const Release& now = out.live->release;
  if (now.id == release.id) return out;
  // What a release would change is asked only while it may still be deployed; for one that
  // ended (replaced, rejected, rolled back...) it would be a comparison nobody acts on, and
  // reading two manifests is most of a read's cost.
  using S = ReleaseState;
  S state = release.state;
  if (state != S::submitted && state != S::approved && state != S::deploying &&
      state != S::failed && state != S::interrupted)
    return out;

  ReleaseChanges changes;
  auto mine = manifest_view(tx, release);
  auto theirs = manifest_view(tx, now);
  if (mine) {
    if (auto at = position(mine->history, now.commit)) {
      changes.commits.assign(mine->history.begin(), mine->history.begin() + static_cast<long>(*at));
      changes.complete = true;
    } else if (theirs && position(theirs->history, release.commit)) {
      auto back = *position(theirs->history, release.commit);
      changes.commits.assign(theirs->history.begin(),
                             theirs->history.begin() + static_cast<long>(back));
      changes.direction = "back";
      changes.complete = true;
    } else {
      changes.commits = mine->history;
    }
  }
  if (mine && theirs) {
    changes.files_known = true;
    auto text_of = [](const ManifestView& m, const std::string& path) {
      auto it = m.config.find(path);
      return it == m.config.end() ? nullptr : &it->second;
    };
    for (const auto& [path, sha] : mine->files) {
      auto it = theirs->files.find(path);
      const std::string* after = text_of(*mine, path);
      if (it == theirs->files.end()) {
        changes.files.push_back({path, "added"});
        if (auto diff = after ? text_diff("", *after) : std::nullopt)
          changes.files.back().diff = printable_diff(*diff);
      } else if (it->second != sha) {
        changes.files.push_back({path, "changed"});
        if (const std::string* before = text_of(*theirs, path); before && after)
          if (auto diff = text_diff(*before, *after))
            changes.files.back().diff = printable_diff(*diff);
      }
    }
    for (const auto& [path, sha] : theirs->files)
      if (!mine->files.contains(path)) changes.files.push_back({path, "removed"});
    std::sort(changes.files.begin(), changes.files.end(),
              [](const FileChange& a, const FileChange& b) { return a.path < b.path; });
  }
  out.changes = std::move(changes);
  return out;
}

void set_context_json(Poco::JSON::Object& into, const ReleaseContext& c) {
  using Poco::JSON::Array;
  using Poco::JSON::Object;
  if (c.live) {
    Object::Ptr live = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    live->set("release", c.live->release.id);
    live->set("version", c.live->release.version);
    live->set("commit", c.live->release.commit ? Poco::Dynamic::Var(*c.live->release.commit)
                                               : Poco::Dynamic::Var());
    const auto& d = c.live->deploy;
    live->set("deployed_at", d && d->finished_at ? Poco::Dynamic::Var(format_utc(*d->finished_at))
                                                 : Poco::Dynamic::Var());
    live->set("deployed_by", d ? Poco::Dynamic::Var(d->actor) : Poco::Dynamic::Var());
    into.set("live", live);
  } else {
    into.set("live", Poco::Dynamic::Var());
  }
  if (!c.changes) {
    into.set("changes", Poco::Dynamic::Var());
    return;
  }
  Object::Ptr changes = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  changes->set("direction", c.changes->direction);
  changes->set("complete", c.changes->complete);
  changes->set("commits", commits_json(c.changes->commits));
  if (c.changes->files_known) {
    Array::Ptr files = new Array;
    for (const auto& f : c.changes->files) {
      Object::Ptr j = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      j->set("path", f.path);
      j->set("change", f.change);
      j->set("diff", f.diff ? Poco::Dynamic::Var(*f.diff) : Poco::Dynamic::Var());
      files->add(j);
    }
    changes->set("files", files);
  } else {
    changes->set("files", Poco::Dynamic::Var());
  }
  into.set("changes", changes);
}

}  // namespace beaver
