// Reading policy.yaml: the schema checks its shape, then this file builds the Policy structs and
// checks what a schema cannot (time zones that exist, real dates, non-empty spans).

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "digest/sha256.hpp"
#include "model/names.hpp"
#include "policy/policy.hpp"
#include "schema/schema.hpp"
#include "schema/yaml_document.hpp"
#include "schema/yaml_file.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxPolicyBytes = 1 << 20;

// Index 0 = Sunday, as ReleaseWindow::days and date::weekday count.
constexpr std::array<std::string_view, 7> kDays{"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

// Builds typed values from a document that has passed the schema; errors still point at nodes,
// since the schema cannot know which zones exist or that February has no 30th.
class PolicyBuilder {
 public:
  explicit PolicyBuilder(const YamlDocument& doc) : doc_(doc) {}

  Result<Policy> build() {
    const YAML::Node& root = doc_.root();
    Policy p;
    auto zone = time_zone(root["timezone"], "UTC");
    BEAVER_TRY(zone);
    p.zone = *zone;
    if (const YAML::Node night = root["night"]) {
      auto from = time_of_day(night["from"], false);
      BEAVER_TRY(from);
      auto to = time_of_day(night["to"], true);
      BEAVER_TRY(to);
      p.night = {*from, *to};
    }
    for (auto [key, field] : {std::pair{"review_deadline", &p.review_deadline},
                              std::pair{"approval_expires", &p.approval_expires}})
      if (const YAML::Node n = root[key]) {
        auto d = parse_duration(n.Scalar());
        if (!d) return std::unexpected(doc_.error_at(n, d.error().message));
        *field = *d;
      }
    if (const YAML::Node categories = root["emergency_categories"]) {
      for (const auto& c : categories) p.emergency_categories.push_back(c.Scalar());
    } else {
      p.emergency_categories = {"hotfix", "security", "data-fix", "regulatory"};
    }
    for (const auto& entry : root["environments"]) {
      auto env = environment(entry.first.Scalar(), entry.second, p.zone);
      BEAVER_TRY(env);
      p.environments.emplace(env->name, std::move(*env));
    }
    if (const YAML::Node base = root["notify_base_url"]) {
      BEAVER_TRY(url_port(base));
      p.notify_base_url = base.Scalar();
      while (p.notify_base_url.ends_with('/')) p.notify_base_url.pop_back();
    }
    auto channels = notify_channels(root["notify"]);
    BEAVER_TRY(channels);
    p.notify = std::move(*channels);
    if (const YAML::Node alerts = root["alerts"]) {
      BEAVER_TRY(alert_policy(alerts, p.alerts));
      // Channels named for a grade must be channels of the notify list.
      const YAML::Node by_grade = alerts["channels"];
      for (const auto& grade : {"critical", "warning", "info"})
        for (const auto& name : by_grade ? by_grade[grade] : YAML::Node()) {
          bool known = std::any_of(p.notify.begin(), p.notify.end(),
                                   [&](const NotifyChannel& c) { return c.name == name.Scalar(); });
          if (!known)
            return std::unexpected(
                doc_.error_at(name, fmt::format("no notify channel is named '{}'", name.Scalar())));
          p.alerts.channels[grade].push_back(name.Scalar());
        }
    }
    return p;
  }

 private:
  Result<const date::time_zone*> time_zone(const YAML::Node& n, const char* fallback) const {
    const std::string name = n ? n.Scalar() : fallback;
    try {
      return date::locate_zone(name);
    } catch (const std::exception&) {  // date throws runtime_error for an unknown name
      if (!n) return fail(ErrorKind::internal, "the time zone database lacks '{}'", name);
      return std::unexpected(doc_.error_at(n, fmt::format("unknown time zone '{}'", name)));
    }
  }

  // The `alerts` section over the defaults; the schema has checked its shape.
  Result<void> alert_policy(const YAML::Node& n, AlertPolicy& out) const {
    if (const YAML::Node window = n["window"]) {
      auto d = parse_duration(window.Scalar());
      if (!d) return std::unexpected(doc_.error_at(window, d.error().message));
      out.window = *d;
    }
    if (const YAML::Node labels = n["labels"])
      for (auto [key, field] :
           {std::pair{"service", &out.service_label}, std::pair{"env", &out.env_label},
            std::pair{"host", &out.host_label}, std::pair{"severity", &out.severity_label}})
        if (const YAML::Node name = labels[key]) *field = name.Scalar();
    if (const YAML::Node grades = n["grades"]) {
      out.grades.clear();
      for (const char* grade : {"critical", "warning", "info"})
        for (const auto& severity : grades[grade] ? grades[grade] : YAML::Node()) {
          if (!out.grades.emplace(ascii_lower(severity.Scalar()), grade).second)
            return std::unexpected(doc_.error_at(
                severity, fmt::format("severity '{}' is given two grades", severity.Scalar())));
        }
    }
    return {};
  }

  // "HH:MM" as minutes since midnight; `to` may be 24:00, the end of the day.
  Result<int> time_of_day(const YAML::Node& n, bool is_end) const {
    const std::string& s = n.Scalar();
    auto digit = [&](size_t i) { return s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -100; };
    int h = 0, m = 0;
    if (s.size() == 5 && s[2] == ':') h = digit(0) * 10 + digit(1), m = digit(3) * 10 + digit(4);
    int minutes = h * 60 + m;
    if (s.size() != 5 || h < 0 || m < 0 || m > 59 || minutes > (is_end ? 24 * 60 : 24 * 60 - 1))
      return std::unexpected(doc_.error_at(
          n, fmt::format("expected a time of day \"HH:MM\" from 00:00 to {}, got '{}'",
                         is_end ? "24:00" : "23:59", s)));
    return minutes;
  }

  // "YYYY-MM-DDTHH:MM" on the local clock of the environment; the date must exist.
  Result<date::local_seconds> local_time(const YAML::Node& n) const {
    const std::string& s = n.Scalar();
    auto number = [&](size_t at, size_t width) {
      int value = 0;
      for (size_t i = at; i < at + width; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        value = value * 10 + (s[i] - '0');
      }
      return value;
    };
    bool shaped = s.size() == 16 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':';
    int y = shaped ? number(0, 4) : -1, mo = shaped ? number(5, 2) : -1,
        d = shaped ? number(8, 2) : -1, h = shaped ? number(11, 2) : -1,
        mi = shaped ? number(14, 2) : -1;
    date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                             date::day{static_cast<unsigned>(d)}};
    if (!shaped || y < 0 || mo < 0 || d < 0 || !ymd.ok() || h < 0 || h > 23 || mi < 0 || mi > 59)
      return std::unexpected(doc_.error_at(
          n, fmt::format("expected a local date and time \"YYYY-MM-DDTHH:MM\", got '{}'", s)));
    return date::local_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi};
  }

  Result<ReleaseWindow> window(const YAML::Node& n) const {
    ReleaseWindow w;
    if (const YAML::Node days = n["days"]) {
      for (const auto& d : days) {  // a day named twice is harmless
        auto it = std::find(kDays.begin(), kDays.end(), d.Scalar());
        if (it == kDays.end())
          return std::unexpected(doc_.error_at(
              d, fmt::format("expected one of: mon, tue, wed, thu, fri, sat, sun, got '{}'",
                             d.Scalar())));
        w.days[static_cast<size_t>(it - kDays.begin())] = true;
      }
    } else {
      w.days.fill(true);
    }
    auto from = time_of_day(n["from"], false);
    BEAVER_TRY(from);
    auto to = time_of_day(n["to"], true);
    BEAVER_TRY(to);
    if (*from == *to)
      return std::unexpected(doc_.error_at(
          n["to"],
          fmt::format("a window from {} to {} is empty", n["from"].Scalar(), n["to"].Scalar())));
    w.span = {*from, *to};
    return w;
  }

  Result<Freeze> freeze(const YAML::Node& n) const {
    Freeze f;
    auto from = local_time(n["from"]);
    BEAVER_TRY(from);
    auto to = local_time(n["to"]);
    BEAVER_TRY(to);
    if (*to <= *from)
      return std::unexpected(doc_.error_at(
          n["to"], fmt::format("a freeze must end after it starts ({})", n["from"].Scalar())));
    f.from = *from;
    f.to = *to;
    if (const YAML::Node reason = n["reason"]) f.reason = reason.Scalar();
    return f;
  }

  Result<std::vector<ApprovalRule>> chain(const YAML::Node& n) const {
    std::vector<ApprovalRule> rules;
    for (const auto& step : n["approvals"]) {
      ApprovalRule r;
      auto role = role_from_string(step["role"].Scalar());
      if (!role)
        return std::unexpected(doc_.error_at(
            step["role"],
            fmt::format("expected one of: {}, got '{}'", all_roles_text(), step["role"].Scalar())));
      r.role = *role;
      try {
        if (const YAML::Node count = step["count"]) r.count = count.as<int>();
        if (const YAML::Node same = step["same_team"]) r.same_team = same.as<bool>();
      } catch (const YAML::Exception& e) {  // the schema has already refused such values
        return std::unexpected(doc_.error_at(step, e.msg));
      }
      rules.push_back(r);
    }
    return rules;
  }

  Result<EnvironmentPolicy> environment(const std::string& name, const YAML::Node& n,
                                        const date::time_zone* policy_zone) const {
    EnvironmentPolicy env;
    env.name = name;
    env.zone = policy_zone;
    if (const YAML::Node zone = n["timezone"]) {
      auto z = time_zone(zone, "UTC");
      BEAVER_TRY(z);
      env.zone = *z;
    }
    for (const auto& w : n["windows"]) {
      auto built = window(w);
      BEAVER_TRY(built);
      env.windows.push_back(*built);
    }
    for (const auto& f : n["freezes"]) {
      auto built = freeze(f);
      BEAVER_TRY(built);
      env.freezes.push_back(std::move(*built));
    }
    auto normal = chain(n["normal"]);
    BEAVER_TRY(normal);
    env.normal = std::move(*normal);
    auto emergency = chain(n["emergency"]);
    BEAVER_TRY(emergency);
    env.emergency = std::move(*emergency);
    if (const YAML::Node glass = n["emergency"]["break_glass"]) {
      EnvironmentPolicy::BreakGlassRule rule;
      for (const auto& r : glass["roles"]) {
        auto role = role_from_string(r.Scalar()).value_or(Role::admin);
        // Breaking glass is deploying: only who deploys may.
        if (role != Role::ops && role != Role::admin)
          return std::unexpected(
              doc_.error_at(r, fmt::format("{} do not deploy: break glass is for ops or admin",
                                           plural(r.Scalar()))));
        rule.roles.push_back(role);
      }
      if (const YAML::Node within = glass["sign_within"]) {
        auto d = parse_duration(within.Scalar());
        if (!d) return std::unexpected(doc_.error_at(within, d.error().message));
        rule.sign_within = *d;
      }
      env.break_glass = std::move(rule);
    }
    // A rollback undoes a change under time pressure, so by default it needs what an emergency
    // needs; deciding it here keeps chain_for() a plain lookup.
    if (const YAML::Node rollback = n["rollback"]) {
      auto r = chain(rollback);
      BEAVER_TRY(r);
      env.rollback = std::move(*r);
    } else {
      env.rollback = env.emergency;
    }
    if (const YAML::Node submit = n["submit"]) {
      env.submit_teams = scalars(submit["teams"]);
      env.submit_any_team = submit["any_team"] && submit["any_team"].as<bool>();
    }
    env.confirm = n["confirm"] ? n["confirm"].as<bool>() : name == "prod" || name == "production";
    return env;
  }

  // The `notify` list. The schema has checked each entry's shape, so only what it cannot know is
  // checked here: ports in range and names used once.
  Result<std::vector<NotifyChannel>> notify_channels(const YAML::Node& list) const {
    std::vector<NotifyChannel> out;
    if (!list) return out;
    for (size_t i = 0; i < list.size(); ++i) {
      const YAML::Node c = list[i];
      NotifyChannel channel;
      const std::string kind = c["channel"].Scalar();
      const YAML::Node name = c["name"];
      channel.name = name ? name.Scalar() : fmt::format("{}-{}", kind, i + 1);
      for (const auto& other : out)
        if (other.name == channel.name)
          return std::unexpected(doc_.error_at(
              name ? name : c, fmt::format("a second notify channel named '{}'", channel.name)));
      if (kind == "email") {
        channel.type = ChannelType::email;
        auto smtp = smtp_target(c["smtp"]);
        BEAVER_TRY(smtp);
        channel.smtp = std::move(*smtp);
        channel.smtp->from = c["from"].Scalar();
        if (const YAML::Node tls = c["tls"]) {
          const std::string& t = tls.Scalar();
          channel.smtp->tls = t == "starttls"   ? SmtpTls::starttls
                              : t == "implicit" ? SmtpTls::implicit
                              : t == "none"     ? SmtpTls::none
                                                : SmtpTls::opportunistic;
        }
        if (const YAML::Node user = c["user"]) {
          // A password must never cross the network in the clear, nor after a downgrade.
          if (channel.smtp->tls != SmtpTls::starttls && channel.smtp->tls != SmtpTls::implicit)
            return std::unexpected(doc_.error_at(
                user,
                "an SMTP login needs tls: starttls or tls: implicit (a password is sent "
                "only over TLS)"));
          channel.smtp->user = user.Scalar();
          channel.smtp->password_env = c["password_env"].Scalar();
          channel.smtp->auth_login = c["auth"] && c["auth"].Scalar() == "login";
        }
        for (const auto& r : c["to_roles"])
          channel.to_roles.push_back(role_from_string(r.Scalar()).value_or(Role::admin));
        for (const auto& to : c["to"]) channel.to.push_back(to.Scalar());
      } else {
        const YAML::Node format = c["format"];
        channel.type =
            format ? webhook_format_from_string(format.Scalar()).value_or(ChannelType::webhook)
                   : ChannelType::webhook;
        BEAVER_TRY(url_port(c["url"]));
        channel.url = c["url"].Scalar();
      }
      if (const YAML::Node events = c["events"]) {
        for (const auto& e : events)
          channel.events.push_back(
              notify_event_from_string(e.Scalar()).value_or(NotifyEvent::approved));
      } else {
        channel.events = {
            NotifyEvent::approval_needed, NotifyEvent::approved,          NotifyEvent::rejected,
            NotifyEvent::deploy_failed,   NotifyEvent::deployed,          NotifyEvent::rolled_back,
            NotifyEvent::signature_owed,  NotifyEvent::signature_overdue, NotifyEvent::alert};
      }
      for (const auto& t : c["teams"]) channel.teams.push_back(t.Scalar());
      out.push_back(std::move(channel));
    }
    return out;
  }

  // "host:port"; the schema checks its shape, a port past 65535 needs a number.
  Result<SmtpTarget> smtp_target(const YAML::Node& n) const {
    const std::string& text = n.Scalar();
    auto colon = text.rfind(':');
    SmtpTarget target;
    target.host = text.substr(0, colon);
    target.port = std::atoi(text.substr(colon + 1).c_str());
    if (colon == std::string::npos || target.port < 1 || target.port > 65535)
      return std::unexpected(doc_.error_at(
          n, fmt::format("expected an SMTP server \"host:port\" with a port from 1 to 65535, got "
                         "'{}'",
                         text)));
    return target;
  }

  // The schema checks a URL's shape; a port past 65535 needs a number.
  Result<void> url_port(const YAML::Node& n) const {
    const std::string& url = n.Scalar();
    auto host = url.find("://") + 3;
    auto colon = url.find(':', host), slash = url.find('/', host);
    if (colon == std::string::npos || colon > slash) return {};
    int port = std::atoi(url.substr(colon + 1, slash - colon - 1).c_str());
    if (port < 1 || port > 65535)
      return std::unexpected(
          doc_.error_at(n, fmt::format("expected a port from 1 to 65535 in '{}'", url)));
    return {};
  }

  const YamlDocument& doc_;
};

}  // namespace

Result<Policy> parse_policy(std::string content, std::string display_name,
                            const fs::path& data_dir) {
  if (content.size() > kMaxPolicyBytes)
    return fail(ErrorKind::bad_input, "{}: the policy is larger than 1 MiB", display_name);
  std::string sha256 = sha256_hex(content);
  auto doc = YamlDocument::parse(content, display_name);
  BEAVER_TRY(doc);
  BEAVER_TRY(validate(*doc, data_dir / "schemas" / "policy.schema.json"));
  auto policy = PolicyBuilder(*doc).build();
  BEAVER_TRY(policy);
  policy->path = std::move(display_name);
  policy->content = std::move(content);
  policy->sha256 = std::move(sha256);
  return policy;
}

Result<Policy> load_policy(const fs::path& file, const fs::path& data_dir) {
  std::error_code ec;
  if (fs::is_directory(file, ec))
    return fail(ErrorKind::bad_input, "cannot read policy {}: it is a folder", file.string());
  std::uintmax_t size = fs::file_size(file, ec);
  if (ec)
    return fail(ErrorKind::bad_input, "cannot read policy {}: {}", file.string(), ec.message());
  if (size > kMaxPolicyBytes)
    return fail(ErrorKind::bad_input, "{}: the policy is larger than 1 MiB", file.string());
  std::ifstream in(file, std::ios::binary);
  std::string content(size, '\0');
  if (!in || !in.read(content.data(), static_cast<std::streamsize>(size)))
    return fail(ErrorKind::bad_input, "cannot read policy {}: {}", file.string(),
                std::strerror(errno));
  return parse_policy(std::move(content), file.string(), data_dir);
}

}  // namespace beaver
