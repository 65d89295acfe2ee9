#pragma once
// SHA-256 as lowercase hex: policies, manifests and scripts are named and compared by it, and
// every file a package holds is checked against it.

#include <memory>
#include <string>
#include <string_view>

namespace beaver {

std::string sha256_hex(std::string_view bytes);

// A SHA-256 over bytes given in pieces (a file streamed through).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  void update(const void* data, size_t size);
  // The digest; call once.
  std::string hex();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace beaver
