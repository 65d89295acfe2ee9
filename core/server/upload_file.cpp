#include "server/upload_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdlib.h>
#include <string.h>

#include <cerrno>
#include <chrono>

namespace beaver {

std::expected<UploadFile, std::string> UploadFile::create(const std::filesystem::path& folder) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  std::string pattern = (folder / ".upload-XXXXXX").string();
  UniqueFd fd(mkostemp(pattern.data(), O_CLOEXEC));
  if (!fd)
    return std::unexpected(fmt::format("cannot write in {}: {}", folder.string(), strerror(errno)));
  return UploadFile(std::move(pattern), std::move(fd));
}

UploadFile::UploadFile(UploadFile&& other) noexcept
    : path_(std::exchange(other.path_, {})), fd_(std::move(other.fd_)), size_(other.size_) {}

UploadFile& UploadFile::operator=(UploadFile&& other) noexcept {
  if (this != &other) {
    remove();
    path_ = std::exchange(other.path_, {});
    fd_ = std::move(other.fd_);
    size_ = other.size_;
  }
  return *this;
}

UploadFile::~UploadFile() { remove(); }

void UploadFile::remove() {
  fd_.reset();
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

bool UploadFile::write(std::string_view bytes, std::string& error) {
  while (!bytes.empty()) {
    auto wrote = ::write(fd_.get(), bytes.data(), bytes.size());
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) {
      error = strerror(errno);
      return false;
    }
    size_ += static_cast<uint64_t>(wrote);
    bytes.remove_prefix(static_cast<size_t>(wrote));
  }
  return true;
}

bool UploadFile::finish(std::string& error) {
  if (fd_.reset()) return true;
  error = strerror(errno);
  return false;
}

// An upload's file is removed once its request ends; one is left only when a server died
// mid-upload. A body still being received is written to all along, and a stalled one ends at its
// deadline (well within this), so a file untouched this long is such a one.
constexpr std::chrono::hours kLeftUploadAge{1};

void remove_left_uploads(const std::filesystem::path& folder,
                         const std::function<void(const std::string&)>& log) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto now = fs::file_time_type::clock::now();
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    auto name = it->path().filename().string();
    std::error_code stat_ec;
    if (!name.starts_with(".upload-") || !it->is_regular_file(stat_ec)) continue;
    auto written = it->last_write_time(stat_ec);
    if (stat_ec || now - written < kLeftUploadAge) continue;
    if (fs::remove(it->path(), stat_ec))
      log(fmt::format("removed {}, an upload left by a server that stopped while receiving it",
                      it->path().string()));
  }
}

}  // namespace beaver
