#include "notify/notify_format.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <sstream>

namespace beaver {
namespace {

using Poco::JSON::Object;

std::string headline(NotifyEvent event) {
  switch (event) {
    case NotifyEvent::approval_needed:
      return "Approval needed";
    case NotifyEvent::approved:
      return "Approved";
    case NotifyEvent::rejected:
      return "Rejected";
    case NotifyEvent::deploy_failed:
      return "Deploy failed";
    case NotifyEvent::deployed:
      return "Deployed";
    case NotifyEvent::rolled_back:
      return "Rolled back";
    case NotifyEvent::signature_owed:
      return "Approvals owed";
    case NotifyEvent::signature_overdue:
      return "Approvals overdue";
    case NotifyEvent::alert:
      return "Alert";
  }
  return "Release";
}

std::string joined(const std::vector<std::string>& names) {
  return names.empty() ? "nobody registered" : fmt::format("{}", fmt::join(names, ", "));
}

std::string compact(const Poco::Dynamic::Var& json) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(json, out);
  return out.str();
}

Object::Ptr ordered() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Object::Ptr generic_body(const NotifyMessage& m) {
  const Release& r = m.view.release;
  Object::Ptr release = ordered();
  release->set("id", r.id);
  release->set("service", r.service);
  release->set("env", r.env);
  release->set("version", r.version);
  release->set("type", std::string(to_string(r.type)));
  release->set("state", std::string(to_string(r.state)));
  release->set("category", r.category ? Poco::Dynamic::Var(*r.category) : Poco::Dynamic::Var());
  release->set("reason", r.reason ? Poco::Dynamic::Var(*r.reason) : Poco::Dynamic::Var());
  release->set("submitter", r.submitter);
  Object::Ptr body = ordered();
  body->set("event", std::string(to_string(m.event)));
  body->set("release", release);
  body->set("title", m.title);
  body->set("text", m.text);
  body->set("url", m.url.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(m.url));
  Poco::JSON::Array::Ptr who = new Poco::JSON::Array;
  if (m.event == NotifyEvent::approval_needed || m.event == NotifyEvent::signature_owed ||
      m.event == NotifyEvent::signature_overdue)
    for (const auto& name : m.view.may_approve) who->add(name);
  body->set("may_approve", who);
  return body;
}

// Text written by people (a reason, a comment) reaches chat markup that mentions with "<@id>"
// (WeCom, Slack) or "<at id=...>" (Feishu): a zero-width space after each '<' keeps such text
// from mentioning anyone, and shows the same.
std::string inert(const std::string& text) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '<') out += "\u200b";
  }
  return out;
}

// The mentions of `m` in chat of `kind`, as that chat writes them; users without an id there are
// left out.
std::vector<std::string> mention_ids(const NotifyMessage& m, std::string_view kind) {
  std::vector<std::string> out;
  for (const auto& u : m.mentioned)
    if (auto id = u.im_id(kind)) out.push_back(*id);
  return out;
}

std::string mentions(const std::vector<std::string>& ids, std::string_view before,
                     std::string_view after) {
  std::string out;
  for (const auto& id : ids)
    out += fmt::format("{}{}{}{}", out.empty() ? "" : " ", before, id, after);
  return out;
}

// The message's lines after the title, which each chat writes as its heading.
std::vector<std::string> body_lines(const NotifyMessage& m) {
  std::vector<std::string> out;
  std::istringstream lines(m.text);
  std::string line;
  std::getline(lines, line);  // the title
  while (std::getline(lines, line))
    if (line != m.url) out.push_back(inert(line));
  return out;
}

// WeCom and DingTalk render markdown, where a single newline does not break a line. The link is
// a "Review" link at the end, then the mentions.
std::string markdown(const NotifyMessage& m, const std::string& mention_line) {
  std::string out = "**" + inert(m.title) + "**";
  for (const auto& line : body_lines(m)) out += "\n\n" + line;
  if (!m.url.empty()) out += fmt::format("\n\n[Review]({})", m.url);
  if (!mention_line.empty()) out += "\n\n" + mention_line;
  return out;
}

Object::Ptr plain_text(const std::string& text) {
  Object::Ptr o = ordered();
  o->set("tag", "plain_text");
  o->set("content", text);
  return o;
}

// Feishu's interactive card: the title as its header (red for an emergency), the lines and the
// mentions, and a "Review" button that opens the release's page.
Object::Ptr feishu_card(const NotifyMessage& m) {
  std::string text;
  for (const auto& line : body_lines(m)) text += (text.empty() ? "" : "\n") + line;
  auto ids = mention_ids(m, "feishu");
  if (!ids.empty()) text += "\n" + mentions(ids, "<at id=", "></at>");
  Object::Ptr header = ordered();
  header->set("title", plain_text(m.title));
  header->set("template", m.view.release.type == ReleaseType::emergency ? "red" : "blue");
  Object::Ptr lark_md = ordered();
  lark_md->set("tag", "lark_md");
  lark_md->set("content", text);
  Object::Ptr div = ordered();
  div->set("tag", "div");
  div->set("text", lark_md);
  Poco::JSON::Array::Ptr elements = new Poco::JSON::Array;
  elements->add(div);
  if (!m.url.empty()) {
    Object::Ptr button = ordered();
    button->set("tag", "button");
    button->set("text", plain_text("Review"));
    button->set("type", "primary");
    button->set("url", m.url);
    Poco::JSON::Array::Ptr actions = new Poco::JSON::Array;
    actions->add(button);
    Object::Ptr action = ordered();
    action->set("tag", "action");
    action->set("actions", actions);
    elements->add(action);
  }
  Object::Ptr config = ordered();
  config->set("wide_screen_mode", true);
  Object::Ptr card = ordered();
  card->set("config", config);
  card->set("header", header);
  card->set("elements", elements);
  return card;
}

// Slack: the text for notifications and clients without blocks, and blocks with a "Review"
// button.
Object::Ptr slack_body(const NotifyMessage& m) {
  std::string text = inert(m.text);
  auto ids = mention_ids(m, "slack");
  if (!ids.empty()) text += "\n" + mentions(ids, "<@", ">");
  Object::Ptr body = ordered();
  body->set("text", text);
  if (m.url.empty()) return body;
  Object::Ptr mrkdwn = ordered();
  mrkdwn->set("type", "mrkdwn");
  mrkdwn->set("text", text);
  Object::Ptr section = ordered();
  section->set("type", "section");
  section->set("text", mrkdwn);
  Object::Ptr label = ordered();
  label->set("type", "plain_text");
  label->set("text", "Review");
  Object::Ptr button = ordered();
  button->set("type", "button");
  button->set("text", label);
  button->set("url", m.url);
  Poco::JSON::Array::Ptr elements = new Poco::JSON::Array;
  elements->add(button);
  Object::Ptr actions = ordered();
  actions->set("type", "actions");
  actions->set("elements", elements);
  Poco::JSON::Array::Ptr blocks = new Poco::JSON::Array;
  blocks->add(section);
  blocks->add(actions);
  body->set("blocks", blocks);
  return body;
}

}  // namespace

std::vector<User> addressees(NotifyEvent event, const ReleaseView& view,
                             const std::vector<User>& users) {
  std::vector<User> out;
  for (const auto& u : users) {
    bool may_approve = std::find(view.may_approve.begin(), view.may_approve.end(), u.name) !=
                       view.may_approve.end();
    bool wanted = u.name == view.release.submitter;
    if (event == NotifyEvent::approval_needed || event == NotifyEvent::signature_owed)
      wanted = may_approve;
    else if (event == NotifyEvent::signature_overdue)
      wanted = may_approve || u.has(Role::admin) || u.has(Role::manager);
    if (wanted) out.push_back(u);
  }
  return out;
}

NotifyMessage compose_message(NotifyEvent event, const ReleaseView& view,
                              const std::string& base_url, std::vector<User> mentioned,
                              const AlertRecord* alert) {
  const Release& r = view.release;
  NotifyMessage m;
  m.event = event;
  m.view = view;
  m.mentioned = std::move(mentioned);
  if (!base_url.empty()) m.url = fmt::format("{}/releases/{}", base_url, r.id);
  bool emergency = r.type == ReleaseType::emergency;
  m.title = fmt::format("{}{}: {} {} to {} (release {})", emergency ? "[EMERGENCY] " : "",
                        headline(event), r.service, r.version, r.env, r.id);
  if (alert)
    m.title = fmt::format("[{}] Alert {} after {} {} on {} (release {})", alert->grade, alert->name,
                          r.service, r.version, r.env, r.id);
  std::vector<std::string> lines{m.title};
  if (emergency)
    lines.push_back(
        fmt::format("Type: EMERGENCY, {}: {}", r.category.value_or("?"), r.reason.value_or("")));
  else
    lines.push_back(fmt::format("Type: {}", to_string(r.type)));
  lines.push_back(fmt::format("Service: {} (team {}), version {}, environment {}", r.service,
                              view.team, r.version, r.env));
  lines.push_back(fmt::format("Submitted by: {}", r.submitter));
  switch (event) {
    case NotifyEvent::approval_needed:
      lines.push_back(fmt::format("Waiting for: {}", view.waiting_for()));
      lines.push_back(fmt::format("May approve: {}", joined(view.may_approve)));
      break;
    case NotifyEvent::approved: {
      std::vector<std::string> approvers;
      for (size_t i = 0; i < view.approvals.size(); ++i)
        if (i < view.counts.size() && view.counts[i])
          approvers.push_back(view.approvals[i].approver_text());
      if (!approvers.empty())
        lines.push_back(fmt::format("Approved by: {}", fmt::join(approvers, ", ")));
      break;
    }
    case NotifyEvent::rejected:
      lines.push_back(fmt::format("Rejected by: {}{}", r.closed_by.value_or("?"),
                                  r.close_comment ? ": " + *r.close_comment : ""));
      break;
    case NotifyEvent::deploy_failed:
      if (!view.deploys.empty()) {
        const DeployRecord& d = view.deploys.back().record;
        lines.push_back(fmt::format("Deploy {} ended {}{}", d.id, d.status,
                                    d.message ? ": " + *d.message : ""));
      }
      break;
    case NotifyEvent::deployed:
    case NotifyEvent::rolled_back:
      if (!view.deploys.empty()) {
        const DeployRecord& d = view.deploys.back().record;
        lines.push_back(
            fmt::format("Deployed by: {} (deploy {}, batches {})", d.actor, d.id, d.batches));
      }
      break;
    case NotifyEvent::signature_owed:
    case NotifyEvent::signature_overdue:
      if (view.break_glass) {
        const BreakGlass& b = *view.break_glass;
        lines.push_back(fmt::format("Deployed by break glass: {} at {}: {}", b.actor,
                                    format_utc(b.at), b.reason));
        lines.push_back(fmt::format(
            "Approvals {}: {}", event == NotifyEvent::signature_owed ? "owed by" : "overdue since",
            format_utc(b.sign_by)));
      }
      lines.push_back(fmt::format("Waiting for: {}", view.waiting_for()));
      lines.push_back(fmt::format("May approve: {}", joined(view.may_approve)));
      break;
    case NotifyEvent::alert:
      if (alert) {
        lines.push_back(fmt::format(
            "Fired: {}{} ({}, severity {}), matched by {}", format_utc(alert->fired_at),
            alert->host ? " on " + *alert->host : "", alert->grade,
            alert->severity.empty() ? "none" : alert->severity, alert->confidence.value_or("?")));
        if (alert->summary) lines.push_back(fmt::format("Summary: {}", *alert->summary));
        if (!view.deploys.empty() && view.deploys.back().record.finished_at)
          lines.push_back(fmt::format("Deployed: {} by {}",
                                      format_utc(*view.deploys.back().record.finished_at),
                                      view.deploys.back().record.actor));
        if (alert->grade == "critical" && !base_url.empty())
          lines.push_back(
              fmt::format("Roll back: {}/rollback?service={}&env={}", base_url, r.service, r.env));
      }
      break;
  }
  if (!m.url.empty()) lines.push_back(m.url);
  m.text = fmt::format("{}", fmt::join(lines, "\n"));
  return m;
}

std::string render_body(const NotifyMessage& m, const NotifyChannel& channel,
                        const std::vector<std::string>& mail_to) {
  Object::Ptr body = ordered();
  switch (channel.type) {
    case ChannelType::webhook:
      return compact(generic_body(m));
    case ChannelType::slack:
      return compact(slack_body(m));
    case ChannelType::wecom: {
      Object::Ptr content = ordered();
      content->set("content", markdown(m, mentions(mention_ids(m, "wecom"), "<@", ">")));
      body->set("msgtype", "markdown");
      body->set("markdown", content);
      break;
    }
    case ChannelType::dingtalk: {
      // DingTalk mentions whom `at` names, where the text writes "@mobile".
      auto mobiles = mention_ids(m, "dingtalk");
      Object::Ptr content = ordered();
      content->set("title", m.title);
      content->set("text", markdown(m, mentions(mobiles, "@", "")));
      body->set("msgtype", "markdown");
      body->set("markdown", content);
      Poco::JSON::Array::Ptr at_mobiles = new Poco::JSON::Array;
      for (const auto& mobile : mobiles) at_mobiles->add(mobile);
      Object::Ptr at = ordered();
      at->set("atMobiles", at_mobiles);
      at->set("isAtAll", false);
      body->set("at", at);
      break;
    }
    case ChannelType::feishu:
      body->set("msg_type", "interactive");
      body->set("card", feishu_card(m));
      break;
    case ChannelType::email: {
      Poco::JSON::Array::Ptr to = new Poco::JSON::Array;
      for (const auto& address : mail_to) to->add(address);
      body->set("from", channel.smtp ? channel.smtp->from : std::string());
      body->set("to", to);
      body->set("subject", m.title);
      body->set("text", m.text);
      break;
    }
  }
  return compact(body);
}

}  // namespace beaver
