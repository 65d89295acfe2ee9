#include "release_text.hpp"

#include <Poco/JSON/Array.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace beaver::cli {

std::string text_of(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || o->isNull(key)) return "";
  return o->get(key).convert<std::string>();
}

std::optional<std::string> optional_of(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || o->isNull(key)) return std::nullopt;
  return o->get(key).convert<std::string>();
}

namespace {

// What runs on the release's environment now, and the commits and files between it and this
// release: the lines an approver reads before approving.
void describe_context(const Poco::JSON::Object::Ptr& v, std::vector<std::string>& out) {
  constexpr size_t kCommitsShown = 20;
  auto live = v->has("live") && !v->isNull("live") ? v->getObject("live") : nullptr;
  if (!live) {
    if (v->has("live")) out.push_back("  live        nothing deployed there yet");
    return;
  }
  if (text_of(live, "release") == text_of(v, "id")) return;
  auto when = optional_of(live, "deployed_at");
  out.push_back(
      fmt::format("  live        {} (release {}){}{}", text_of(live, "version"),
                  text_of(live, "release"), when ? ", deployed " + *when : "",
                  optional_of(live, "deployed_by") ? " by " + text_of(live, "deployed_by") : ""));
  auto changes = v->has("changes") && !v->isNull("changes") ? v->getObject("changes") : nullptr;
  if (!changes) return;
  auto commits = changes->getArray("commits");
  size_t n = commits ? commits->size() : 0;
  bool back = text_of(changes, "direction") == "back";
  bool complete = changes->optValue<bool>("complete", false);
  if (n == 0 && !complete)
    out.push_back("  changes     commits unknown (no package history reaches the live commit)");
  else
    out.push_back(fmt::format("  changes     {}{} commit{} {} {}", complete ? "" : "at least ", n,
                              n == 1 ? "" : "s", back ? "taken back from" : "since",
                              text_of(live, "version")));
  for (size_t i = 0; i < n && i < kCommitsShown; ++i) {
    auto c = commits->getObject(static_cast<unsigned>(i));
    out.push_back(fmt::format("                {} {} ({}, {})", text_of(c, "commit").substr(0, 7),
                              text_of(c, "subject"), text_of(c, "author"), text_of(c, "time")));
  }
  if (n > kCommitsShown)
    out.push_back(fmt::format("                ... {} more", n - kCommitsShown));
  auto files = changes->isNull("files") ? nullptr : changes->getArray("files");
  if (!files) return;
  std::vector<std::string> listed;
  for (size_t i = 0; i < files->size(); ++i) {
    auto f = files->getObject(static_cast<unsigned>(i));
    listed.push_back(fmt::format("{} {}", text_of(f, "change"), text_of(f, "path")));
  }
  out.push_back(fmt::format("  files       {}", listed.empty()
                                                    ? "the same files as the live package"
                                                    : fmt::format("{}", fmt::join(listed, ", "))));
  // The configuration files' diffs, each shortened to what a terminal shows at once; the page
  // and -o json have them whole.
  constexpr size_t kDiffLinesShown = 40;
  for (size_t i = 0; i < files->size(); ++i) {
    auto f = files->getObject(static_cast<unsigned>(i));
    auto diff = optional_of(f, "diff");
    if (!diff || diff->empty()) continue;
    out.push_back(fmt::format("  diff        {}", text_of(f, "path")));
    size_t shown = 0, from = 0;
    while (from < diff->size()) {
      size_t end = diff->find('\n', from);
      if (end == std::string::npos) end = diff->size();
      if (shown++ == kDiffLinesShown) {
        size_t rest = static_cast<size_t>(
            std::count(diff->begin() + static_cast<long>(from), diff->end(), '\n'));
        out.push_back(
            fmt::format("                ... {} more lines (beaver release show {} -o json)", rest,
                        text_of(v, "id")));
        break;
      }
      out.push_back("                " + diff->substr(from, end - from));
      from = end + 1;
    }
  }
}

}  // namespace

std::vector<std::string> describe_release(const Poco::JSON::Object::Ptr& v,
                                          const std::optional<std::string>& page) {
  auto t = [&v](const char* key) { return text_of(v, key); };
  auto suffix = [](const std::optional<std::string>& s, const char* format) {
    return s ? fmt::format(fmt::runtime(format), *s) : std::string();
  };
  std::vector<std::string> out;
  std::string type = t("type") + suffix(optional_of(v, "category"), " ({})");
  std::string status = t("status");
  out.push_back(fmt::format("release {}: {} {} to {}, {}, {}", t("id"), t("service"), t("version"),
                            t("env"), type, status));
  if (page) out.push_back(fmt::format("  page        {}", *page));
  out.push_back(fmt::format("  submitted   {}{} by {} (team {})", t("submitted_at"),
                            suffix(optional_of(v, "submitted_local"), " ({})"), t("submitter"),
                            t("team")));
  if (auto c = optional_of(v, "commit")) out.push_back(fmt::format("  commit      {}", *c));
  if (auto p = optional_of(v, "package_sha256"))
    out.push_back(fmt::format("  package     sha256 {}", *p));
  if (auto r = optional_of(v, "reason")) out.push_back(fmt::format("  reason      {}", *r));
  describe_context(v, out);
  if (v->has("break_glass") && !v->isNull("break_glass")) {
    auto g = v->getObject("break_glass");
    out.push_back(fmt::format("  break glass by {} at {}: {}", text_of(g, "by"), text_of(g, "at"),
                              text_of(g, "reason")));
    if (auto signed_at = optional_of(g, "signed_at"))
      out.push_back(fmt::format("  signed      {}{}", *signed_at,
                                g->optValue<bool>("signed_late", false)
                                    ? fmt::format(", late (owed by {})", text_of(g, "sign_by"))
                                    : ""));
    else
      out.push_back(fmt::format("  owed by     {}{}", text_of(g, "sign_by"),
                                g->optValue<bool>("overdue", false) ? ", OVERDUE" : ""));
  }
  if (auto approvals = v->getArray("approvals")) {
    for (size_t i = 0; i < approvals->size(); ++i) {
      auto a = approvals->getObject(static_cast<unsigned>(i));
      out.push_back(fmt::format("  approval    step {}: {}{} as {} at {}{}{}", text_of(a, "step"),
                                text_of(a, "approver"), suffix(optional_of(a, "for"), " for {}"),
                                text_of(a, "role"), text_of(a, "approved_at"),
                                suffix(optional_of(a, "comment"), ": {}"),
                                a->getValue<bool>("counts") ? "" : " (no longer counts)"));
    }
  }
  if (auto a = optional_of(v, "approved_at")) out.push_back(fmt::format("  approved    {}", *a));
  if (v->optValue<bool>("approval_expired", false))
    out.push_back("  expired     its approvals lapsed before a deploy; it must be approved again");
  if (auto w = optional_of(v, "waiting_for")) {
    out.push_back(fmt::format("  waiting for {}", *w));
    std::vector<std::string> may;
    if (auto list = v->getArray("may_approve"))
      for (const auto& name : *list) may.push_back(name.convert<std::string>());
    if (auto nobody = optional_of(v, "nobody_can_approve")) {
      out.push_back("  may approve nobody");
      out.push_back(fmt::format("  stuck       {}", *nobody));
    } else {
      std::vector<std::string> stand_ins;
      if (auto list = v->getArray("stand_ins"))
        for (const auto& s : *list) stand_ins.push_back(s.convert<std::string>());
      out.push_back(fmt::format("  may approve {}{}", fmt::join(may, ", "),
                                stand_ins.empty()
                                    ? std::string()
                                    : fmt::format(" (stand-ins: {})", fmt::join(stand_ins, ", "))));
    }
  }
  if (auto by = optional_of(v, "closed_by"))
    out.push_back(fmt::format("  {} by {} at {}{}",
                              status == "rejected" ? "rejected   " : "cancelled  ", *by,
                              optional_of(v, "closed_at").value_or("-"),
                              suffix(optional_of(v, "close_comment"), ": {}")));
  if (auto d = optional_of(v, "deployed_at")) out.push_back(fmt::format("  deployed    {}", *d));
  if (auto r = optional_of(v, "reviewed_at"))
    out.push_back(fmt::format("  reviewed    {} by {}: {}", *r,
                              optional_of(v, "reviewed_by").value_or("?"), t("review_notes")));
  else if (auto due = optional_of(v, "review_due"))
    out.push_back(
        fmt::format("  review      due {}{}", *due,
                    v->optValue<bool>("owing_review", false) ? ", OWED (past its deadline)" : ""));
  if (auto alerts = v->getArray("alerts")) {
    for (size_t i = 0; i < alerts->size(); ++i) {
      auto a = alerts->getObject(static_cast<unsigned>(i));
      auto resolved = optional_of(a, "resolved_at");
      out.push_back(fmt::format("  alert {}    {} {} at {}{}{} (matched by {})", text_of(a, "id"),
                                text_of(a, "grade"), text_of(a, "name"), text_of(a, "fired_at"),
                                optional_of(a, "host") ? " on " + text_of(a, "host") : "",
                                resolved ? ", resolved " + *resolved : ", FIRING",
                                text_of(a, "confidence")));
    }
  }
  if (auto deploys = v->getArray("deploy")) {
    for (size_t i = 0; i < deploys->size(); ++i) {
      auto d = deploys->getObject(static_cast<unsigned>(i));
      bool repair = d->optValue<bool>("repair", false);
      out.push_back(fmt::format("  {} {}    by {} at {}, batches {}: {}{}",
                                repair ? "repair" : "deploy", text_of(d, "id"), text_of(d, "actor"),
                                text_of(d, "started_at"), text_of(d, "batches"),
                                text_of(d, "status"), suffix(optional_of(d, "message"), " ({})")));
      auto steps = d->getArray("steps");
      for (size_t j = 0; steps && j < steps->size(); ++j) {
        auto st = steps->getObject(static_cast<unsigned>(j));
        std::string last = text_of(st, "output");
        if (auto nl = last.rfind('\n'); nl != std::string::npos) last = last.substr(nl + 1);
        if (last.size() > 100) last = last.substr(0, 97) + "...";
        out.push_back(fmt::format("    {} [{}] {:<11} {:<6} {:>7.2f}s  {}", text_of(st, "host"),
                                  text_of(st, "batch"), text_of(st, "step"), text_of(st, "status"),
                                  static_cast<double>(st->getValue<int64_t>("elapsed_ms")) / 1000.0,
                                  last));
      }
    }
  }
  return out;
}

}  // namespace beaver::cli
