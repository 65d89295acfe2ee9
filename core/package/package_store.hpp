#pragma once
// Where beaver keeps the package files the ledger knows, by checksum, so that a deploy uploads
// exactly the bytes that were approved.

#include <filesystem>
#include <string>

#include "error/error.hpp"

namespace beaver {

// Where beaver keeps package files: <home>/packages/<sha256>.tar.gz.
std::filesystem::path stored_package(const std::filesystem::path& home, const std::string& sha256);

// Copies `file` (whose checksum is `sha256`) there, unless it is there already. The copy appears
// whole or not at all (written aside, then renamed).
Result<void> keep_package(const std::filesystem::path& home, const std::filesystem::path& file,
                          const std::string& sha256);

}  // namespace beaver
