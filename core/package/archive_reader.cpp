#include "package/archive_reader.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <optional>

namespace beaver {
namespace {

constexpr size_t kBlock = 512;

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};
using Gz = std::unique_ptr<std::remove_pointer_t<gzFile>, GzCloser>;

class Reader {
 public:
  Reader(Gz gz, std::string name) : gz_(std::move(gz)), name_(std::move(name)) {}

  // Reads exactly `n` bytes into `out`; false at a clean end of data before any byte.
  Result<bool> read(char* out, size_t n) {
    size_t got = 0;
    while (got < n) {
      int r =
          gzread(gz_.get(), out + got, static_cast<unsigned>(std::min<size_t>(n - got, 1 << 30)));
      if (r < 0) {
        int code = 0;
        const char* why = gzerror(gz_.get(), &code);
        return fail(ErrorKind::bad_input, "{}: not a readable .tar.gz ({})", name_, why);
      }
      if (r == 0) {
        if (got == 0) return false;
        return fail(ErrorKind::bad_input, "{}: the archive ends in the middle of a member", name_);
      }
      got += static_cast<size_t>(r);
    }
    return true;
  }

  Result<std::string> read_padded(uint64_t size) {
    std::string data(size, '\0');
    if (size > 0) {
      auto ok = read(data.data(), size);
      if (!ok) return std::unexpected(ok.error());
      if (!*ok) return fail(ErrorKind::bad_input, "{}: the archive ends early", name_);
    }
    BEAVER_TRY(skip_padding(size));
    return data;
  }

  Result<void> skip(uint64_t size) {
    std::array<char, 65536> buffer{};
    uint64_t left = size;
    while (left > 0) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(left, buffer.size()));
      auto ok = read(buffer.data(), n);
      if (!ok) return std::unexpected(ok.error());
      if (!*ok) return fail(ErrorKind::bad_input, "{}: the archive ends early", name_);
      left -= n;
    }
    return skip_padding(size);
  }

  const std::string& name() const { return name_; }

 private:
  Result<void> skip_padding(uint64_t size) {
    size_t pad = static_cast<size_t>((kBlock - size % kBlock) % kBlock);
    if (pad == 0) return {};
    std::array<char, kBlock> buffer{};
    auto ok = read(buffer.data(), pad);
    if (!ok) return std::unexpected(ok.error());
    return {};
  }

  Gz gz_;
  std::string name_;
};

std::optional<uint64_t> octal(const char* field, size_t width) {
  uint64_t v = 0;
  size_t i = 0;
  while (i < width && field[i] == ' ') ++i;
  bool any = false;
  for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i) {
    if (v > (UINT64_MAX >> 3)) return std::nullopt;
    v = v * 8 + static_cast<uint64_t>(field[i] - '0');
    any = true;
  }
  if (i < width && field[i] != '\0' && field[i] != ' ') return std::nullopt;
  if (!any) return std::nullopt;
  return v;
}

std::string field_text(const char* field, size_t width) {
  return std::string(field, strnlen(field, width));
}

// pax extended header records: "LEN key=value\n".
Result<void> parse_pax(const std::string& data, const std::string& archive,
                       std::optional<std::string>& path, int64_t& size) {
  size_t at = 0;
  while (at < data.size()) {
    size_t space = data.find(' ', at);
    if (space == std::string::npos) break;
    uint64_t len = 0;
    for (size_t i = at; i < space; ++i) {
      if (data[i] < '0' || data[i] > '9')
        return fail(ErrorKind::bad_input, "{}: a bad pax record", archive);
      len = len * 10 + static_cast<uint64_t>(data[i] - '0');
    }
    if (len == 0 || at + len > data.size() || data[at + len - 1] != '\n')
      return fail(ErrorKind::bad_input, "{}: a bad pax record", archive);
    std::string record = data.substr(space + 1, at + len - 1 - space - 1);
    auto eq = record.find('=');
    if (eq != std::string::npos) {
      std::string key = record.substr(0, eq), value = record.substr(eq + 1);
      if (key == "path") path = value;
      if (key == "size") {  // decimal here, unlike the header's octal fields
        uint64_t n = 0;
        for (char c : value) {
          if (c < '0' || c > '9') return fail(ErrorKind::bad_input, "{}: a bad pax size", archive);
          n = n * 10 + static_cast<uint64_t>(c - '0');
        }
        size = static_cast<int64_t>(n);
      }
    }
    at += len;
  }
  return {};
}

Result<std::string> checked_path(std::string path, const std::string& archive) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (path.empty() || path.front() == '/')
    return fail(ErrorKind::bad_input, "{}: member '{}' has an absolute or empty path; refused",
                archive, path);
  size_t at = 0;
  while (at <= path.size()) {
    size_t slash = path.find('/', at);
    std::string_view part(path.data() + at,
                          (slash == std::string::npos ? path.size() : slash) - at);
    if (part.empty() || part == "." || part == "..")
      return fail(ErrorKind::bad_input, "{}: member '{}' would escape its folder; refused", archive,
                  path);
    if (slash == std::string::npos) break;
    at = slash + 1;
  }
  for (unsigned char c : path)
    if (c < 0x20 || c == 0x7f)
      return fail(ErrorKind::bad_input, "{}: a member's path holds a control character; refused",
                  archive);
  return path;
}

}  // namespace

Result<std::vector<ArchiveMember>> read_archive(const std::filesystem::path& file,
                                                const ArchiveVisitor& visit, uint64_t max_content) {
  Gz gz(gzopen(file.c_str(), "rb"));
  if (!gz) return fail(ErrorKind::bad_input, "cannot open {}: {}", file.string(), strerror(errno));
  Reader in(std::move(gz), file.string());
  std::vector<ArchiveMember> members;
  std::optional<std::string> pax_path;
  int64_t pax_size = -1;  // a pax size record's, for the next member; -1: none
  std::array<char, kBlock> h{};
  for (;;) {
    auto ok = in.read(h.data(), kBlock);
    if (!ok) return std::unexpected(ok.error());
    if (!*ok) break;  // no end-of-archive blocks: tolerated, as tar does
    if (std::all_of(h.begin(), h.end(), [](char c) { return c == 0; })) break;
    unsigned sum = 0;
    for (size_t i = 0; i < kBlock; ++i)
      sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
    auto stored = octal(&h[148], 8);
    if (!stored || *stored != sum)
      return fail(ErrorKind::bad_input, "{}: not a tar archive (bad header checksum)", in.name());
    auto size = octal(&h[124], 12);
    char type = h[156];
    if (!size && pax_size < 0)
      return fail(ErrorKind::bad_input, "{}: a member has a bad size", in.name());
    uint64_t n = pax_size >= 0 ? static_cast<uint64_t>(pax_size) : size.value_or(0);
    if (type == 'x') {
      auto data = in.read_padded(n);
      if (!data) return std::unexpected(data.error());
      BEAVER_TRY(parse_pax(*data, in.name(), pax_path, pax_size));
      continue;
    }
    std::string name = field_text(&h[0], 100);
    if (std::memcmp(&h[257], "ustar", 5) == 0 && h[345] != '\0')
      name = field_text(&h[345], 155) + "/" + name;
    if (pax_path) name = *pax_path;
    pax_path.reset();
    pax_size = -1;
    if (type == 'g') {
      BEAVER_TRY(in.skip(n));
      continue;
    }
    ArchiveMember m;
    if (type == '0' || type == '\0') {
      m.kind = ArchiveMember::Kind::file;
    } else if (type == '5') {
      m.kind = ArchiveMember::Kind::directory;
    } else {
      const char* what = type == '1'   ? "a hard link"
                         : type == '2' ? "a symbolic link"
                         : type == 'L' ? "a GNU long name"
                                       : "a device or special file";
      return fail(ErrorKind::bad_input,
                  "{}: member '{}' is {}; a package holds only files and folders", in.name(), name,
                  what);
    }
    auto path = checked_path(name, in.name());
    if (!path) return std::unexpected(path.error());
    m.path = *path;
    m.size = m.kind == ArchiveMember::Kind::file ? n : 0;
    m.mode = static_cast<unsigned>(octal(&h[100], 8).value_or(0) & 07777);
    if (m.kind == ArchiveMember::Kind::file && visit && m.size <= max_content) {
      auto data = in.read_padded(m.size);
      if (!data) return std::unexpected(data.error());
      visit(m, *data);
    } else {
      if (visit && m.kind == ArchiveMember::Kind::file) visit(m, {});
      BEAVER_TRY(in.skip(n));
    }
    members.push_back(std::move(m));
  }
  return members;
}

Result<std::string> read_archive_file(const std::filesystem::path& file, const std::string& path) {
  std::optional<std::string> found;
  auto members = read_archive(file, [&](const ArchiveMember& m, const std::string& content) {
    if (m.path == path && !found) found = content;
  });
  if (!members) return std::unexpected(members.error());
  if (!found) return fail(ErrorKind::not_found, "{} holds no {}", file.string(), path);
  return *found;
}

}  // namespace beaver
