#include "pipeline/pipeline.hpp"

#include <algorithm>

#include "schema/yaml_file.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;

Result<std::vector<std::string>> known_names(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  if (ec) return fail(ErrorKind::internal, "cannot list {}: {}", dir.string(), ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

Result<Pipeline> load_pipeline(const std::string& name, const fs::path& data_dir) {
  fs::path dir = data_dir / "pipelines";
  auto names = known_names(dir);
  if (!names) return std::unexpected(names.error());
  if (std::find(names->begin(), names->end(), name) == names->end())
    return fail(ErrorKind::bad_input, "unknown pipeline '{}' (known: {})", name,
                fmt::join(*names, ", "));
  fs::path file = dir / (name + ".yaml");
  auto doc = load_yaml_file(file, "pipeline", data_dir / "schemas" / "pipeline.schema.json");
  if (!doc) return std::unexpected(doc.error());
  const YAML::Node& root = doc->root();
  Pipeline p;
  p.name = root["name"].Scalar();
  if (p.name != name)
    return std::unexpected(doc->error_at(
        root["name"], fmt::format("the pipeline in {}.yaml must be named '{}'", name, name)));
  p.description = root["description"].Scalar();
  p.tools = scalars(root["tools"]);
  p.detect = scalars(root["detect"]);
  p.version_source = root["version"] ? root["version"].Scalar() : "git";
  p.jar = root["jar"].Scalar();
  p.overridable = scalars(root["overridable"]);
  for (const auto& step : root["steps"])
    p.steps.push_back({step["name"].Scalar(), scalars(step["run"])});
  return p;
}

Result<std::vector<Pipeline>> load_pipelines(const fs::path& data_dir) {
  auto names = known_names(data_dir / "pipelines");
  if (!names) return std::unexpected(names.error());
  std::vector<Pipeline> out;
  for (const auto& n : *names) {
    auto p = load_pipeline(n, data_dir);
    if (!p) return std::unexpected(p.error());
    out.push_back(std::move(*p));
  }
  return out;
}

Result<std::string> expand_text(const std::string& text, const StepVariables& vars) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    size_t open = text.find("${", i);
    if (open == std::string::npos) {
      out += text.substr(i);
      break;
    }
    size_t close = text.find('}', open);
    if (close == std::string::npos) {
      out += text.substr(i);
      break;
    }
    out += text.substr(i, open - i);
    std::string name = text.substr(open + 2, close - open - 2);
    auto var = vars.find(name);
    if (var == vars.end())
      return fail(ErrorKind::bad_input, "unknown variable '${{{}}}' in '{}'", name, text);
    out += fmt::format("{}", fmt::join(var->second, " "));
    i = close + 1;
  }
  return out;
}

Result<std::vector<std::string>> expand_step(const PipelineStep& step, const StepVariables& vars) {
  std::vector<std::string> argv;
  for (const auto& word : step.run) {
    if (word.size() > 3 && word.starts_with("${") && word.ends_with("}") &&
        word.find("${", 2) == std::string::npos) {
      auto var = vars.find(word.substr(2, word.size() - 3));
      if (var == vars.end())
        return fail(ErrorKind::bad_input, "step '{}': unknown variable '{}'", step.name, word);
      argv.insert(argv.end(), var->second.begin(), var->second.end());
      continue;
    }
    auto expanded = expand_text(word, vars);
    if (!expanded)
      return fail(ErrorKind::bad_input, "step '{}': {}", step.name, expanded.error().message);
    argv.push_back(std::move(*expanded));
  }
  return argv;
}

}  // namespace beaver
