#pragma once
// What beaver needs to know about a jar: the Main-Class its manifest names.

#include <filesystem>
#include <string>

#include "error/error.hpp"

namespace beaver {

// The Main-Class of `jar`'s META-INF/MANIFEST.MF; a jar without one is refused, naming it.
Result<std::string> jar_main_class(const std::filesystem::path& jar);

}  // namespace beaver
