#pragma once
// A file descriptor closed when it goes out of scope: sockets, the reactor's epoll and eventfd,
// an upload's file.

#include <unistd.h>

#include <utility>

namespace beaver {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  // Closes the descriptor held (if any) and holds `fd`; false when the close failed, which for a
  // written file means its bytes may not all be kept.
  bool reset(int fd = -1) {
    bool closed = fd_ < 0 || ::close(fd_) == 0;
    fd_ = fd;
    return closed;
  }

 private:
  int fd_ = -1;
};

}  // namespace beaver
