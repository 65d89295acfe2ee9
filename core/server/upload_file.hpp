#pragma once
// Where an upload's body goes while it arrives: a temporary file beside the packages
// ($BEAVER_HOME/packages/.upload-XXXXXX), never memory. The API renames it into place once every
// check passed; otherwise it is removed when the request ends.

#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "server/unique_fd.hpp"

namespace beaver {

class UploadFile {
 public:
  // A new empty file in `folder` (made if missing), or why it cannot be.
  static std::expected<UploadFile, std::string> create(const std::filesystem::path& folder);

  UploadFile(UploadFile&& other) noexcept;
  // Removes the file held, then holds `other`'s.
  UploadFile& operator=(UploadFile&& other) noexcept;
  UploadFile(const UploadFile&) = delete;
  UploadFile& operator=(const UploadFile&) = delete;
  // Removes the file, unless it was moved away meanwhile.
  ~UploadFile();

  // Appends `bytes`; false with `error` set when they cannot be written.
  bool write(std::string_view bytes, std::string& error);
  // Closes the file once the body is whole; false with `error` set when its bytes may be lost.
  bool finish(std::string& error);
  uint64_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  UploadFile(std::filesystem::path path, UniqueFd fd)
      : path_(std::move(path)), fd_(std::move(fd)) {}
  void remove();

  std::filesystem::path path_;
  UniqueFd fd_;
  uint64_t size_ = 0;
};

// Removes the uploads left in `folder` by a server that died while receiving them; says so.
void remove_left_uploads(const std::filesystem::path& folder,
                         const std::function<void(const std::string&)>& log);

}  // namespace beaver
