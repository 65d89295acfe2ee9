#pragma once
// Sending one queued notification: a JSON POST over HTTP(S) for the webhook types, mail through
// SMTP for email. Behind an interface so tests can put a channel that fails in its place.

#include <chrono>
#include <string>

#include "model/notification.hpp"

namespace beaver {

// How one attempt went: ok for a 2xx (and no error code in a chat service's reply) or mail the
// server accepted; `detail` is "HTTP 200", the server's reply or the connection error.
struct DeliveryOutcome {
  bool ok = false;
  std::string detail;
};

class NotificationSender {
 public:
  virtual ~NotificationSender() = default;
  // Sends `n.body` to `n.target`, waiting at most `timeout` to connect, to send and to receive.
  // Never throws.
  virtual DeliveryOutcome send(const Notification& n, std::chrono::milliseconds timeout) const = 0;
};

// The sender that speaks HTTP, HTTPS (the system's CA certificates, host names checked) and SMTP.
const NotificationSender& network_sender();

}  // namespace beaver
