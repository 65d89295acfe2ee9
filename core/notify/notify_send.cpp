#include "notify/notify_send.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/URI.h>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>

namespace beaver {
namespace {

using Poco::JSON::Object;

constexpr size_t kReplyBytes = 4096;

Poco::Timespan timespan(std::chrono::milliseconds d) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(d.count()) * 1000);
}

Poco::Net::Context::Ptr tls_context() {
  static std::once_flag once;
  static Poco::Net::Context::Ptr context;
  std::call_once(once, [] {
    context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "",
                                     Poco::Net::Context::VERIFY_RELAXED, 9, true);
    // Poco's default handler for a bad certificate asks on the console; a notifier must refuse.
    Poco::Net::SSLManager::instance().initializeClient(
        nullptr, new Poco::Net::RejectCertificateHandler(false), context);
  });
  return context;
}

// Chat services answer 200 with an error code in the body when they refuse a message.
std::optional<std::string> refused_in_reply(const std::string& type, const std::string& reply) {
  const char* key = type == "wecom" || type == "dingtalk" ? "errcode"
                    : type == "feishu"                    ? "code"
                                                          : nullptr;
  if (key == nullptr) return std::nullopt;
  try {
    auto parsed = Poco::JSON::Parser().parse(reply);
    if (parsed.type() != typeid(Object::Ptr)) return std::nullopt;
    auto o = parsed.extract<Object::Ptr>();
    if (!o->has(key) || o->get(key).convert<long>() == 0) return std::nullopt;
    return fmt::format("{} {}", key, o->get(key).toString());
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

DeliveryOutcome post_json(const Notification& n, std::chrono::milliseconds timeout) {
  Poco::URI uri(n.target);
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (uri.getScheme() == "https")
    session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(),
                                                              tls_context());
  else
    session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
  session->setTimeout(timespan(timeout), timespan(timeout), timespan(timeout));
  std::string path = uri.getPathAndQuery();
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path.empty() ? "/" : path,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentType("application/json; charset=utf-8");
  request.setContentLength(static_cast<std::streamsize>(n.body.size()));
  request.set("User-Agent", "beaver");
  session->sendRequest(request) << n.body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session->receiveResponse(response);
  std::string reply(kReplyBytes, '\0');
  in.read(reply.data(), static_cast<std::streamsize>(reply.size()));
  reply.resize(static_cast<size_t>(in.gcount()));
  int status = response.getStatus();
  std::string detail = fmt::format("HTTP {} {}", status, response.getReason());
  if (status < 200 || status > 299) {
    if (!reply.empty()) detail += ": " + reply.substr(0, 200);
    return {false, detail};
  }
  if (auto refused = refused_in_reply(n.channel_type, reply))
    return {false, fmt::format("{}, but {}: {}", detail, *refused, reply.substr(0, 200))};
  return {true, detail};
}

// STARTTLS on a session whose socket this process connected itself (with a timeout), checking
// the certificate against the configured host name; Poco's own startTLS knows the name only
// when it opened the connection, without a timeout.
class MailSession final : public Poco::Net::SMTPClientSession {
 public:
  MailSession(const Poco::Net::StreamSocket& socket, std::string host)
      : SMTPClientSession(socket), host_(std::move(host)) {}

  bool start_tls(Poco::Net::Context::Ptr context) {
    std::string response;
    if (!isPositiveCompletion(sendCommand("STARTTLS", response))) return false;
    socket() = Poco::Net::SecureStreamSocket::attach(socket(), host_, context);
    return true;
  }

 private:
  std::string host_;
};

DeliveryOutcome send_mail(const Notification& n, std::chrono::milliseconds timeout) {
  Poco::URI uri(n.target);
  std::string tls = "opportunistic", user, password_env, auth;
  for (const auto& [key, value] : uri.getQueryParameters()) {
    if (key == "tls") tls = value;
    if (key == "user") user = value;
    if (key == "password_env") password_env = value;
    if (key == "auth") auth = value;
  }
  std::string password;
  if (!user.empty()) {
    const char* p = std::getenv(password_env.c_str());
    if (p == nullptr || *p == '\0')
      return {false, fmt::format("no SMTP password: the environment variable {} is not set for "
                                 "the process sending mail",
                                 password_env)};
    password = p;
  }
  auto mail = Poco::JSON::Parser().parse(n.body).extract<Object::Ptr>();
  Poco::Net::MailMessage message;
  message.setSender(mail->getValue<std::string>("from"));
  std::vector<std::string> to;
  if (Poco::JSON::Array::Ptr list = mail->getArray("to"))
    for (const auto& address : *list) to.push_back(address.toString());
  for (const auto& address : to)
    message.addRecipient(
        Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, address));
  message.setSubject(Poco::Net::MailMessage::encodeWord(mail->getValue<std::string>("subject")));
  message.setContentType("text/plain; charset=UTF-8");
  message.setContent(mail->getValue<std::string>("text"),
                     Poco::Net::MailMessage::ENCODING_QUOTED_PRINTABLE);

  Poco::Net::SocketAddress address(uri.getHost(), uri.getPort());
  std::unique_ptr<MailSession> session;
  bool encrypted = false;
  if (tls == "implicit") {
    Poco::Net::SecureStreamSocket socket(tls_context());
    socket.setPeerHostName(uri.getHost());  // the name the certificate must carry
    socket.connect(address, timespan(timeout));
    session = std::make_unique<MailSession>(socket, uri.getHost());
    encrypted = true;
  } else {
    Poco::Net::StreamSocket socket;
    socket.connect(address, timespan(timeout));
    session = std::make_unique<MailSession>(socket, uri.getHost());
  }
  session->setTimeout(timespan(timeout));
  session->login();
  if (tls == "starttls" || tls == "opportunistic") {
    // A server that refuses STARTTLS gets the mail in the clear only when that was allowed; one
    // whose certificate fails the check gets nothing (the handshake throws).
    encrypted = session->start_tls(tls_context());
    if (!encrypted && tls == "starttls")
      return {false, fmt::format("{}:{} does not offer STARTTLS, and the channel requires it",
                                 uri.getHost(), uri.getPort())};
    if (encrypted) session->login();  // EHLO again: the server's offer changes under TLS
  }
  if (!user.empty())
    session->login(auth == "login" ? Poco::Net::SMTPClientSession::AUTH_LOGIN
                                   : Poco::Net::SMTPClientSession::AUTH_PLAIN,
                   user, password);
  session->sendMessage(message);
  session->close();
  return {true,
          fmt::format("SMTP{} accepted for {}", encrypted ? " over TLS" : "", fmt::join(to, ", "))};
}

class NetworkSender final : public NotificationSender {
 public:
  DeliveryOutcome send(const Notification& n, std::chrono::milliseconds timeout) const override {
    try {
      return n.channel_type == "email" ? send_mail(n, timeout) : post_json(n, timeout);
    } catch (const Poco::Exception& e) {
      return {false, e.displayText()};
    } catch (const std::exception& e) {
      return {false, e.what()};
    }
  }
};

}  // namespace

const NotificationSender& network_sender() {
  static const NetworkSender sender;
  return sender;
}

}  // namespace beaver
