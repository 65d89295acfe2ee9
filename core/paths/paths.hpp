#pragma once
// Where beaver finds its data files (schemas/, pipelines/, templates/) and its home.

#include <filesystem>

#include "error/error.hpp"

namespace beaver {

// The folder holding schemas/, pipelines/ and templates/: $BEAVER_DATA_DIR when set, else the
// installed share/beaver beside the binary, else the source tree this binary was built from.
std::filesystem::path data_dir();

// $BEAVER_HOME, else ~/.beaver.
Result<std::filesystem::path> beaver_home();

}  // namespace beaver
