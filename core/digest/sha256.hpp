#pragma once
// SHA-256 of bytes in memory, as lowercase hex: policies, manifests and scripts are named and
// compared by it.

#include <string>
#include <string_view>

namespace beaver {

std::string sha256_hex(std::string_view bytes);

}  // namespace beaver
