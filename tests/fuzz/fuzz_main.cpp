// beaver_fuzz TARGET FILE|FOLDER...: runs a fuzz target on each file given (a folder: each file in
// it). CTest replays the corpus so; afl-fuzz runs it on one file at a time (`@@`), its fork server
// sparing the start-up. (afl++'s shared-memory persistent mode needs its compiler plugins, and
// Debian 12's GCC plugin refuses its own GCC: make fuzz uses afl-g++'s assembler instrumentation.)

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_targets.hpp"

namespace {

namespace fs = std::filesystem;

int run_files(beaver::fuzz::Target target, const std::vector<fs::path>& inputs) {
  int ran = 0;
  auto run = [&](const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    target(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    ++ran;
  };
  for (const auto& input : inputs) {
    if (fs::is_directory(input)) {
      for (const auto& entry : fs::directory_iterator(input))
        if (entry.is_regular_file()) run(entry.path());
    } else {
      run(input);
    }
  }
  if (ran == 0) {
    std::fprintf(stderr, "beaver_fuzz: no inputs in the files given\n");
    return 1;
  }
  std::printf("%d inputs, each ended in a value or a clean error\n", ran);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: beaver_fuzz TARGET FILE|FOLDER...; targets: %s\n",
                 std::string(beaver::fuzz::target_names()).c_str());
    return 2;
  }
  auto target = beaver::fuzz::find_target(argv[1]);
  if (target == nullptr) {
    std::fprintf(stderr, "beaver_fuzz: no target '%s'; targets: %s\n", argv[1],
                 std::string(beaver::fuzz::target_names()).c_str());
    return 2;
  }
  if (argc < 3) {
    std::fprintf(stderr, "beaver_fuzz: give the inputs, files or folders\n");
    return 2;
  }
  return run_files(target, std::vector<fs::path>(argv + 2, argv + argc));
}
