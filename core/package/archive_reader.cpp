#include "package/archive_reader.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <memory>
#include <optional>
#include <set>

#include "digest/sha256.hpp"

namespace beaver {
namespace {

constexpr size_t kBlock = 512;

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};
using Gz = std::unique_ptr<std::remove_pointer_t<gzFile>, GzCloser>;

class Reader {
 public:
  Reader(Gz gz, std::string label) : gz_(std::move(gz)), label_(std::move(label)) {}

  // Reads exactly `n` bytes into `out`; false at a clean end of data before any byte.
  Result<bool> read(char* out, size_t n) {
    size_t got = 0;
    while (got < n) {
      int r =
          gzread(gz_.get(), out + got, static_cast<unsigned>(std::min<size_t>(n - got, 1 << 30)));
      if (r < 0) {
        int code = 0;
        const char* why = gzerror(gz_.get(), &code);
        return fail(ErrorKind::bad_input, "{}: not a readable .tar.gz ({})", label_, why);
      }
      if (r == 0) {
        if (got == 0) return false;
        return fail(ErrorKind::bad_input, "{}: the archive ends in the middle of a member", label_);
      }
      got += static_cast<size_t>(r);
    }
    return true;
  }

  // A member's data of `size` bytes, passed to `sink` in pieces, then its padding.
  template <class Sink>
  Result<void> stream(uint64_t size, Sink&& sink) {
    std::array<char, 65536> buffer{};
    for (uint64_t left = size; left > 0;) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(left, buffer.size()));
      auto ok = read(buffer.data(), n);
      if (!ok) return std::unexpected(ok.error());
      if (!*ok) return fail(ErrorKind::bad_input, "{}: the archive ends early", label_);
      sink(buffer.data(), n);
      left -= n;
    }
    size_t pad = static_cast<size_t>((kBlock - size % kBlock) % kBlock);
    if (pad > 0) {
      auto ok = read(buffer.data(), pad);
      if (!ok) return std::unexpected(ok.error());
    }
    return {};
  }

 private:
  Gz gz_;
  std::string label_;
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

std::optional<uint64_t> decimal(std::string_view text) {
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return n;
}

struct PaxRecords {
  std::optional<std::string> path;
  std::optional<uint64_t> size;
};

// pax extended header records: "LEN key=value\n". Only what beaver writes and GNU tar reads the
// same way is taken; a sparse file's records (GNU.sparse.*) are refused, since its data would
// not be what tar extracts.
Result<PaxRecords> parse_pax(std::string_view data, const std::string& label) {
  PaxRecords pax;
  auto bad = [&] { return fail(ErrorKind::bad_input, "{}: a bad pax record; refused", label); };
  size_t at = 0;
  while (at < data.size()) {
    size_t space = data.find(' ', at);
    if (space == std::string_view::npos) return bad();
    auto len = decimal(data.substr(at, space - at));
    if (!len || *len <= space - at || *len > data.size() - at || data[at + *len - 1] != '\n')
      return bad();
    std::string_view record = data.substr(space + 1, at + *len - 1 - space - 1);
    auto eq = record.find('=');
    if (eq == std::string_view::npos) return bad();
    std::string_view key = record.substr(0, eq), value = record.substr(eq + 1);
    if (key == "path") pax.path = std::string(value);
    if (key == "size") {  // decimal here, unlike the header's octal fields
      pax.size = decimal(value);
      if (!pax.size) return fail(ErrorKind::bad_input, "{}: a bad pax size; refused", label);
    }
    if (key.starts_with("GNU.sparse."))
      return fail(ErrorKind::bad_input, "{}: a GNU sparse file; a package holds only plain files",
                  label);
    at += *len;
  }
  return pax;
}

Result<std::string> checked_path(std::string path, const std::string& label) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  for (unsigned char c : path)
    if (c < 0x20 || c == 0x7f)
      return fail(ErrorKind::bad_input, "{}: a member's path holds a control character; refused",
                  label);
  if (path.empty() || path.front() == '/')
    return fail(ErrorKind::bad_input, "{}: member '{}' has an absolute or empty path; refused",
                label, path);
  size_t at = 0;
  while (at <= path.size()) {
    size_t slash = path.find('/', at);
    std::string_view part(path.data() + at,
                          (slash == std::string::npos ? path.size() : slash) - at);
    if (part.empty() || part == "." || part == "..")
      return fail(ErrorKind::bad_input, "{}: member '{}' would escape its folder; refused", label,
                  path);
    if (slash == std::string::npos) break;
    at = slash + 1;
  }
  return path;
}

const char* refused_kind(char type) {
  switch (type) {
    case '1':
      return "a hard link";
    case '2':
      return "a symbolic link";
    case '3':
    case '4':
      return "a device";
    case '6':
      return "a FIFO";
    case 'g':
      return "a pax global header, which tar would apply to every member after it";
    case 'S':
      return "a GNU sparse file";
    case 'L':
    case 'K':
      return "a GNU long name";
    default:
      return "of an unknown kind";
  }
}

// Plain modes only: a package's files are 0644 or 0755 and the like once unpacked by root.
Result<void> check_mode(const ArchiveMember& m, const std::string& label) {
  const char* why = (m.mode & 04000)   ? "setuid"
                    : (m.mode & 02000) ? "setgid"
                    : (m.mode & 01000) ? "sticky"
                    : (m.mode & 00002) ? "writable by anyone"
                                       : nullptr;
  if (why == nullptr) return {};
  return fail(ErrorKind::bad_input, "{}: member '{}' has mode {:04o} ({}); refused", label, m.path,
              m.mode, why);
}

}  // namespace

Result<std::vector<ArchiveMember>> read_archive(const std::filesystem::path& file,
                                                const std::string& label,
                                                const ArchiveVisitor& visit,
                                                const ArchiveLimits& limits) {
  Gz gz(gzopen(file.c_str(), "rb"));
  if (!gz) return fail(ErrorKind::bad_input, "cannot open {}: {}", label, strerror(errno));
  Reader in(std::move(gz), label);
  std::vector<ArchiveMember> members;
  std::set<std::string, std::less<>> seen;
  uint64_t unpacked = 0;
  std::optional<PaxRecords> pax;  // for the next member
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
      return fail(ErrorKind::bad_input, "{}: not a tar archive (bad header checksum)", label);
    auto header_size = octal(&h[124], 12);
    char type = h[156];
    if (type == 'x') {
      if (pax)
        return fail(ErrorKind::bad_input, "{}: two pax headers for one member; refused", label);
      if (!header_size || *header_size > kMaxPaxHeader)
        return fail(ErrorKind::bad_input,
                    "{}: a pax header of {} bytes (at most {} KiB are read); refused", label,
                    header_size ? fmt::format("{}", *header_size) : "unreadable",
                    kMaxPaxHeader >> 10);
      std::string data;
      data.reserve(static_cast<size_t>(*header_size));
      BEAVER_TRY(in.stream(*header_size, [&](const char* p, size_t n) { data.append(p, n); }));
      auto records = parse_pax(data, label);
      if (!records) return std::unexpected(records.error());
      pax = std::move(*records);
      continue;
    }
    std::string name = field_text(&h[0], 100);
    if (std::memcmp(&h[257], "ustar", 5) == 0 && h[345] != '\0')
      name = field_text(&h[345], 155) + "/" + name;
    if (pax && pax->path) name = *pax->path;
    std::optional<uint64_t> size = pax && pax->size ? pax->size : header_size;
    pax.reset();
    ArchiveMember m;
    if (type == '0' || type == '\0') {
      m.kind = ArchiveMember::Kind::file;
    } else if (type == '5') {
      m.kind = ArchiveMember::Kind::directory;
    } else {
      return fail(ErrorKind::bad_input,
                  "{}: member '{}' is {}; a package holds only files and folders", label, name,
                  refused_kind(type));
    }
    if (!size) return fail(ErrorKind::bad_input, "{}: member '{}' has a bad size", label, name);
    auto path = checked_path(name, label);
    if (!path) return std::unexpected(path.error());
    m.path = *path;
    if (m.kind == ArchiveMember::Kind::directory && *size != 0)
      return fail(ErrorKind::bad_input, "{}: folder '{}' declares {} bytes of data; refused", label,
                  m.path, *size);
    m.size = *size;
    m.mode = static_cast<unsigned>(octal(&h[100], 8).value_or(0) & 07777);
    BEAVER_TRY(check_mode(m, label));
    if (members.size() >= limits.max_members)
      return fail(ErrorKind::bad_input, "{}: more than {} members; refused", label,
                  limits.max_members);
    if (!seen.insert(m.path).second)
      return fail(ErrorKind::bad_input,
                  "{}: member '{}' appears twice (tar would keep the last); refused", label,
                  m.path);
    if (m.size > limits.max_unpacked - unpacked)
      return fail(ErrorKind::bad_input,
                  "{}: unpacks to more than {} MiB (member '{}' is {} bytes); refused", label,
                  limits.max_unpacked >> 20, m.path, m.size);
    unpacked += m.size;
    bool keep = m.kind == ArchiveMember::Kind::file && visit && m.size <= limits.max_content;
    bool hash = m.kind == ArchiveMember::Kind::file && limits.hash_files;
    std::string content;
    std::optional<Sha256> sha;
    if (hash) sha.emplace();
    if (keep) content.reserve(static_cast<size_t>(m.size));
    BEAVER_TRY(in.stream(m.size, [&](const char* p, size_t n) {
      if (keep) content.append(p, n);
      if (sha) sha->update(p, n);
    }));
    if (sha) m.sha256 = sha->hex();
    if (m.kind == ArchiveMember::Kind::file && visit) visit(m, content);
    members.push_back(std::move(m));
  }
  return members;
}

Result<std::string> read_archive_file(const std::filesystem::path& file, const std::string& path) {
  std::optional<std::string> found;
  auto members = read_archive(file, file.filename().string(),
                              [&](const ArchiveMember& m, const std::string& content) {
                                if (m.path == path && !found) found = content;
                              });
  if (!members) return std::unexpected(members.error());
  if (!found) return fail(ErrorKind::not_found, "{} holds no {}", file.string(), path);
  return *found;
}

}  // namespace beaver
