#pragma once
// What a worker does with a request the front has read: the API's admission of a body before a
// byte of it is read, and the API call itself, each ending in the bytes to send back.

#include <chrono>
#include <optional>
#include <string>

#include "server/front_replies.hpp"
#include "server/request_head.hpp"
#include "server/upload_file.hpp"
#include "server/wire_reply.hpp"

namespace beaver {

class Api;
class Metrics;

using SteadyTime = std::chrono::steady_clock::time_point;

// An answer ready to send.
struct WireAnswer {
  std::string bytes;
  bool close = false;  // the connection ends once they are sent
};

// The verdict on a body announced by a head: nothing to answer (and for an upload the file its
// bytes go to), or the answer to send instead, after which the connection closes, the body
// unread.
struct Admission {
  std::optional<WireAnswer> refusal;
  std::optional<UploadFile> upload;
};

// A whole request, read.
struct RunJob {
  RequestHead head;                  // with its body, or its upload's file as body_file
  std::optional<UploadFile> upload;  // removed once answered, unless the API kept it
  ReplyFraming framing;
  // The body came with the head, unasked: the caller is admitted before the API runs it all the
  // same.
  bool admit_first = false;
  SteadyTime start;  // when its head was read: its latency's start
};

// The caller's token (and for an upload, the package's name and the caller's role), then the
// declared length against its limit, then for an upload a new file for its bytes.
Admission admit_body(Api& api, Metrics& metrics, const RequestHead& head, const BodyLimits& limits,
                     SteadyTime start);

WireAnswer run_request(Api& api, Metrics& metrics, RunJob job);

// The bytes of a reply the front makes itself, counted in the metrics like the API's.
WireAnswer front_answer(Metrics& metrics, const HttpReply& reply, const ReplyFraming& framing,
                        SteadyTime start);

}  // namespace beaver
