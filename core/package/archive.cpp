// The package archive. The tar is framed here (ustar headers, pax records for long paths and
// huge sizes) and fed straight to zlib, not through libarchive: libarchive's gzip filter keeps
// one level for the whole stream, and jars (already compressed) cost most of the time at level
// 6, so each file gets its own level through deflateParams() within one gzip stream. Framing the
// tar ourselves also pins every byte of the format, so a library upgrade cannot change an
// archive's hash (only zlib's deflate output could).

#include "package/archive.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "digest/sha256.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;

constexpr size_t kChunk = size_t{1} << 20;  // reads and writes of 1 MiB keep system calls rare
constexpr size_t kBlock = 512;
constexpr size_t kRecord = 20 * kBlock;         // tar's default blocking; the tar is padded to it
constexpr uint64_t kMaxOctal11 = 077777777777;  // the largest size or mtime a ustar field holds
constexpr size_t kNameField = 100;
constexpr int kTextLevel = 6;
constexpr int kStoredLevel = 0;  // jars gain ~0.6% at level 6, for ~2.9 s per 100 MB

std::string errno_text() { return std::strerror(errno); }

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor& operator=(FileDescriptor&&) = delete;
  ~FileDescriptor() { close(); }
  int get() const { return fd_; }
  // False when close() reports an error (for the output, where a lost write must not pass).
  bool close() { return fd_ < 0 || ::close(std::exchange(fd_, -1)) == 0; }

 private:
  int fd_;
};

// Opens a regular source file for reading, giving its size.
Result<FileDescriptor> open_source(const fs::path& path, uint64_t& size) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0)
    return fail(ErrorKind::bad_input, "cannot open {}: {}", path.string(), errno_text());
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return fail(ErrorKind::bad_input, "{} is not a regular file", path.string());
  }
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  size = static_cast<uint64_t>(st.st_size);
  return fd;
}

// Calls `consume` with each chunk of `fd`. Every chunk but the last fills `buffer` (short reads
// are retried), so the chunks fed to zlib, and so the archive's bytes, depend only on the
// contents. Returns the number of bytes read.
template <class Consume>
Result<uint64_t> for_each_chunk(int fd, const fs::path& shown, std::vector<char>& buffer,
                                Consume&& consume) {
  uint64_t total = 0;
  for (;;) {
    size_t filled = 0;
    while (filled < buffer.size()) {
      ssize_t n = ::read(fd, buffer.data() + filled, buffer.size() - filled);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0)
        return fail(ErrorKind::bad_input, "cannot read {}: {}", shown.string(), errno_text());
      if (n == 0) break;
      filled += static_cast<size_t>(n);
    }
    if (filled > 0) BEAVER_TRY(consume(std::span<const char>(buffer.data(), filled)));
    total += filled;
    if (filled < buffer.size()) return total;
  }
}

Result<void> check_entry(const ArchiveEntry& entry) {
  const std::string& path = entry.path;
  if (path.empty()) return fail(ErrorKind::bad_input, "an archive entry has an empty path");
  if (path.find('\0') != std::string::npos) {
    return fail(ErrorKind::bad_input, "archive path '{}' holds a NUL byte",
                path.substr(0, path.find('\0')));
  }
  if (path.front() == '/')
    return fail(ErrorKind::bad_input, "archive path '{}' must be relative", path);
  size_t start = 0;
  for (;;) {
    size_t end = std::min(path.find('/', start), path.size());
    std::string_view part(path.data() + start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return fail(ErrorKind::bad_input,
                  "archive path '{}' has an empty, '.' or '..' part; give a plain relative path",
                  path);
    }
    if (end == path.size()) break;
    start = end + 1;
  }
  if (entry.mode > 07777) {
    return fail(ErrorKind::bad_input, "archive path '{}' has mode {:o}, beyond 7777", path,
                entry.mode);
  }
  return {};
}

// Writes `value` as zero-padded octal filling `field` but its last byte, which is NUL.
void put_octal(std::span<char> field, uint64_t value) {
  fmt::format_to_n(field.data(), field.size() - 1, "{:0{}o}", value, field.size() - 1);
  field.back() = '\0';
}

std::array<char, kBlock> ustar_header(std::string_view name, char type, unsigned mode,
                                      uint64_t size, uint64_t mtime) {
  std::array<char, kBlock> h{};
  auto field = [&h](size_t offset, size_t length) { return std::span(h).subspan(offset, length); };
  std::memcpy(h.data(), name.data(), std::min(name.size(), kNameField));
  put_octal(field(100, 8), mode);
  put_octal(field(108, 8), 0);  // uid
  put_octal(field(116, 8), 0);  // gid
  put_octal(field(124, 12), size);
  put_octal(field(136, 12), mtime);
  h[156] = type;
  std::memcpy(&h[257], "ustar", 6);  // magic, with its NUL
  std::memcpy(&h[263], "00", 2);     // version
  std::memcpy(&h[265], "root", 4);   // uname
  std::memcpy(&h[297], "root", 4);   // gname
  put_octal(field(329, 8), 0);       // devmajor
  put_octal(field(337, 8), 0);       // devminor
  std::memset(&h[148], ' ', 8);      // the checksum counts its own field as spaces
  unsigned sum = 0;
  for (char c : h) sum += static_cast<unsigned char>(c);
  put_octal(field(148, 7), sum);  // six digits, NUL, and the space left in place
  return h;
}

// "<length> key=value\n", where the length counts itself.
std::string pax_record(std::string_view key, std::string_view value) {
  size_t body = key.size() + value.size() + 3;
  size_t length = body + 1;
  while (length != body + fmt::formatted_size("{}", length)) ++length;
  return fmt::format("{} {}={}\n", length, key, value);
}

// The gzip stream into the output file, hashing the compressed bytes as they leave.
class GzipSink {
 public:
  GzipSink(int fd, fs::path shown) : fd_(fd), shown_(std::move(shown)), out_(kChunk) {}
  GzipSink(const GzipSink&) = delete;  // zlib keeps a pointer to z_
  GzipSink& operator=(const GzipSink&) = delete;
  ~GzipSink() {
    if (started_) deflateEnd(&z_);
  }

  Result<void> start() {
    if (deflateInit2(&z_, level_, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      return fail(ErrorKind::internal, "zlib cannot start a gzip stream");
    }
    started_ = true;
    header_.os = 3;  // Unix, whatever the build platform; time 0 and no name: same bytes each run
    deflateSetHeader(&z_, &header_);
    reset_output();
    return {};
  }

  Result<void> set_level(int level) {
    if (level == level_) return {};
    z_.avail_in = 0;
    for (;;) {
      // deflateParams() first flushes what was compressed at the old level; it asks for more
      // room with Z_BUF_ERROR.
      int rc = deflateParams(&z_, level, Z_DEFAULT_STRATEGY);
      if (rc == Z_OK) break;
      if (rc != Z_BUF_ERROR || z_.avail_out == kChunk) {
        return fail(ErrorKind::internal, "zlib cannot change the level: {}", rc);
      }
      BEAVER_TRY(drain());
    }
    level_ = level;
    return {};
  }

  Result<void> write(std::span<const char> data) {
    tar_size_ += data.size();
    while (!data.empty()) {
      size_t piece = std::min(data.size(), size_t{1} << 30);  // avail_in is 32 bits
      z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
      z_.avail_in = static_cast<uInt>(piece);
      while (z_.avail_in > 0) {
        if (z_.avail_out == 0) BEAVER_TRY(drain());
        if (deflate(&z_, Z_NO_FLUSH) == Z_STREAM_ERROR) {
          return fail(ErrorKind::internal, "zlib failed compressing {}", shown_.string());
        }
      }
      data = data.subspan(piece);
    }
    return {};
  }

  // Zeros up to the next multiple of `multiple` bytes of tar.
  Result<void> pad(size_t multiple) {
    static constexpr std::array<char, kRecord> zeros{};
    return write(std::span(zeros).first((multiple - tar_size_ % multiple) % multiple));
  }

  Result<void> finish() {
    for (;;) {
      if (z_.avail_out == 0) BEAVER_TRY(drain());
      int rc = deflate(&z_, Z_FINISH);
      if (rc == Z_STREAM_END) break;
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return fail(ErrorKind::internal, "zlib failed finishing {}", shown_.string());
      }
    }
    return drain();
  }

  uint64_t size() const { return size_; }
  std::string sha256() { return sha_.hex(); }

 private:
  void reset_output() {
    z_.next_out = reinterpret_cast<Bytef*>(out_.data());
    z_.avail_out = static_cast<uInt>(out_.size());
  }

  Result<void> drain() {
    size_t n = out_.size() - z_.avail_out;
    for (size_t done = 0; done < n;) {
      ssize_t w = ::write(fd_, out_.data() + done, n - done);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0)
        return fail(ErrorKind::internal, "cannot write {}: {}", shown_.string(), errno_text());
      done += static_cast<size_t>(w);
    }
    sha_.update(out_.data(), n);
    size_ += n;
    reset_output();
    return {};
  }

  int fd_;
  fs::path shown_;
  std::vector<char> out_;
  z_stream z_{};
  gz_header header_{};
  bool started_ = false;
  int level_ = kTextLevel;
  uint64_t tar_size_ = 0;
  uint64_t size_ = 0;
  Sha256 sha_;
};

Result<void> write_header(GzipSink& sink, const ArchiveEntry& entry, uint64_t size,
                          uint64_t mtime) {
  bool directory = entry.kind == ArchiveEntry::Kind::directory;
  std::string name = directory ? entry.path + "/" : entry.path;
  std::string pax;
  if (name.size() > kNameField) pax += pax_record("path", name);
  if (size > kMaxOctal11) pax += pax_record("size", fmt::format("{}", size));
  if (!pax.empty()) {
    // A fixed name (GNU tar would put its process id in it) keeps the bytes the same.
    BEAVER_TRY(sink.write(ustar_header("././@PaxHeader", 'x', 0644, pax.size(), mtime)));
    BEAVER_TRY(sink.write(pax));
    BEAVER_TRY(sink.pad(kBlock));
  }
  return sink.write(
      ustar_header(name, directory ? '5' : '0', entry.mode, size > kMaxOctal11 ? 0 : size, mtime));
}

Result<void> write_entry(GzipSink& sink, const ArchiveEntry& entry, uint64_t mtime,
                         std::vector<char>& buffer) {
  if (entry.kind == ArchiveEntry::Kind::directory) return write_header(sink, entry, 0, mtime);
  BEAVER_TRY(sink.set_level(entry.compress ? kTextLevel : kStoredLevel));
  if (entry.source.empty()) {
    BEAVER_TRY(write_header(sink, entry, entry.content.size(), mtime));
    BEAVER_TRY(sink.write(entry.content));
    return sink.pad(kBlock);
  }
  uint64_t size = 0;
  auto fd = open_source(entry.source, size);
  if (!fd) return std::unexpected(fd.error());
  BEAVER_TRY(write_header(sink, entry, size, mtime));
  auto copied = for_each_chunk(fd->get(), entry.source, buffer,
                               [&](std::span<const char> chunk) { return sink.write(chunk); });
  if (!copied) return std::unexpected(copied.error());
  if (*copied != size) {
    return fail(ErrorKind::conflict, "{} changed while it was archived", entry.source.string());
  }
  return sink.pad(kBlock);
}

// The archive's temporary file beside its final place: removed unless commit() renamed it.
class TempFile {
 public:
  TempFile(FileDescriptor fd, fs::path path) : fd_(std::move(fd)), path_(std::move(path)) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!committed_) {
      fd_.close();
      ::unlink(path_.c_str());
    }
  }
  int fd() const { return fd_.get(); }

  Result<void> commit(const fs::path& out) {
    // mkstemp() creates 0600; the archive is meant to be shared.
    if (::fchmod(fd_.get(), 0644) != 0 || ::fsync(fd_.get()) != 0 || !fd_.close()) {
      return fail(ErrorKind::internal, "cannot write {}: {}", out.string(), errno_text());
    }
    if (::rename(path_.c_str(), out.c_str()) != 0) {
      return fail(ErrorKind::internal, "cannot rename {} to {}: {}", path_.string(), out.string(),
                  errno_text());
    }
    committed_ = true;
    // The rename is durable once the folder is synced; a failure here loses nothing written.
    FileDescriptor folder(::open(path_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (folder.get() >= 0) ::fsync(folder.get());
    return {};
  }

 private:
  FileDescriptor fd_;
  fs::path path_;
  bool committed_ = false;
};

}  // namespace

Result<std::vector<ArchivedFile>> hash_entries(const std::vector<ArchiveEntry>& entries) {
  std::vector<ArchivedFile> files;
  std::vector<char> buffer(kChunk);
  for (const ArchiveEntry& entry : entries) {
    if (entry.kind == ArchiveEntry::Kind::directory) continue;
    Sha256 sha;
    uint64_t size = entry.content.size();
    if (entry.source.empty()) {
      sha.update(entry.content.data(), entry.content.size());
    } else {
      auto fd = open_source(entry.source, size);
      if (!fd) return std::unexpected(fd.error());
      auto read = for_each_chunk(fd->get(), entry.source, buffer, [&](std::span<const char> c) {
        sha.update(c.data(), c.size());
        return Result<void>{};
      });
      if (!read) return std::unexpected(read.error());
      size = *read;
    }
    files.push_back({entry.path, sha.hex(), size});
  }
  return files;
}

Result<ArchiveResult> write_archive(std::vector<ArchiveEntry> entries, const fs::path& out,
                                    Timestamp mtime) {
  auto seconds = mtime.time_since_epoch().count();
  if (seconds < 0 || static_cast<uint64_t>(seconds) > kMaxOctal11) {
    return fail(ErrorKind::bad_input, "archive time {} is outside what tar can store",
                format_utc(mtime));
  }
  for (const ArchiveEntry& entry : entries) BEAVER_TRY(check_entry(entry));
  // std::string compares as unsigned bytes (char_traits<char> is memcmp), the promised order.
  std::ranges::sort(entries, {}, &ArchiveEntry::path);
  auto twice = std::ranges::adjacent_find(entries, {}, &ArchiveEntry::path);
  if (twice != entries.end()) {
    return fail(ErrorKind::bad_input, "archive path '{}' appears twice", twice->path);
  }

  fs::path folder = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  std::string name = (folder / ("." + out.filename().string() + ".tmp-XXXXXX")).string();
  FileDescriptor fd(::mkostemp(name.data(), O_CLOEXEC));
  if (fd.get() < 0) {
    return fail(ErrorKind::bad_input, "cannot create a file in {}: {}", folder.string(),
                errno_text());
  }
  TempFile temp(std::move(fd), name);
  GzipSink sink(temp.fd(), out);
  BEAVER_TRY(sink.start());
  std::vector<char> buffer(kChunk);
  for (const ArchiveEntry& entry : entries) {
    BEAVER_TRY(write_entry(sink, entry, static_cast<uint64_t>(seconds), buffer));
  }
  // Two zero blocks end a tar; tar itself pads the whole to a 10 KiB record.
  BEAVER_TRY(sink.write(std::array<char, 2 * kBlock>{}));
  BEAVER_TRY(sink.pad(kRecord));
  BEAVER_TRY(sink.finish());
  BEAVER_TRY(temp.commit(out));
  return ArchiveResult{sink.sha256(), sink.size()};
}

Result<std::string> sha256_file(const std::filesystem::path& file) {
  auto hashed = hash_entries({{ArchiveEntry::Kind::file, "file", file, {}, 0644, true}});
  if (!hashed) return std::unexpected(hashed.error());
  return hashed->front().sha256;
}

}  // namespace beaver
