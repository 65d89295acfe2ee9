#pragma once
// Failed sign-ins slowed down, per user and per client address: a few mistakes cost nothing,
// then each further failure doubles the wait before the next try (up to a quarter of an hour),
// so a password cannot be guessed at speed from one address, nor one user's from many. A
// success clears the user's count; counts are forgotten a quarter of an hour after their last
// failure. Kept in the server's memory: a server that restarts forgets them.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace beaver {

class SignInThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr int kFreeFailuresPerUser = 5;
  // More for an address: several people may sign in from behind one.
  static constexpr int kFreeFailuresPerClient = 20;
  static constexpr std::chrono::seconds kLongestWait{15 * 60};

  // How long `user` (from `client`) must wait before trying again; zero: now.
  std::chrono::seconds wait(const std::string& user, const std::string& client,
                            Clock::time_point now);
  void failed(const std::string& user, const std::string& client, Clock::time_point now);
  void succeeded(const std::string& user);

 private:
  struct Failures {
    int count = 0;
    Clock::time_point last;
  };
  using Counts = std::unordered_map<std::string, Failures>;
  static std::chrono::seconds wait_of(const Counts& counts, const std::string& key, int free,
                                      Clock::time_point now);
  void count(Counts& counts, const std::string& key, Clock::time_point now);

  std::mutex lock_;
  Counts users_;
  Counts clients_;
};

}  // namespace beaver
