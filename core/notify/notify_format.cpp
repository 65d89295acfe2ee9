#include "notify/notify_format.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

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
  if (m.event == NotifyEvent::approval_needed)
    for (const auto& name : m.view.may_approve) who->add(name);
  body->set("may_approve", who);
  return body;
}

// WeCom and DingTalk render markdown, where a single newline does not break a line.
std::string markdown(const NotifyMessage& m) {
  std::string out = "**" + m.title + "**";
  std::istringstream lines(m.text);
  std::string line;
  std::getline(lines, line);  // the title, already written
  while (std::getline(lines, line)) out += "\n\n" + line;
  return out;
}

}  // namespace

NotifyMessage compose_message(NotifyEvent event, const ReleaseView& view,
                              const std::string& base_url) {
  const Release& r = view.release;
  NotifyMessage m;
  m.event = event;
  m.view = view;
  if (!base_url.empty()) m.url = fmt::format("{}/releases/{}", base_url, r.id);
  bool emergency = r.type == ReleaseType::emergency;
  m.title = fmt::format("{}{}: {} {} to {} (release {})", emergency ? "[EMERGENCY] " : "",
                        headline(event), r.service, r.version, r.env, r.id);
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
          approvers.push_back(view.approvals[i].approver);
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
      body->set("text", m.text);
      break;
    case ChannelType::wecom: {
      Object::Ptr content = ordered();
      content->set("content", markdown(m));
      body->set("msgtype", "markdown");
      body->set("markdown", content);
      break;
    }
    case ChannelType::dingtalk: {
      Object::Ptr content = ordered();
      content->set("title", m.title);
      content->set("text", markdown(m));
      body->set("msgtype", "markdown");
      body->set("markdown", content);
      break;
    }
    case ChannelType::feishu: {
      Object::Ptr content = ordered();
      content->set("text", m.text);
      body->set("msg_type", "text");
      body->set("content", content);
      break;
    }
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
