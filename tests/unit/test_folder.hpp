#pragma once
// A fresh temporary folder per test, removed when the test ends.

#include <filesystem>

namespace beaver::test {

class TestFolder {
 public:
  TestFolder();
  ~TestFolder();
  TestFolder(const TestFolder&) = delete;
  TestFolder& operator=(const TestFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Writes `text` to `file`, creating its folder.
void write_file(const std::filesystem::path& file, const std::string& text);

inline std::filesystem::path source_dir() { return BEAVER_SOURCE_DATA_DIR; }

}  // namespace beaver::test
