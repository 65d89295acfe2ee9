#pragma once
// A standard pipeline, read from pipelines/<name>.yaml: the tools it needs, the files that
// detect it, its build steps as argument vectors, and where its jar comes out. Adding a pipeline
// is adding a file.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "error/error.hpp"

namespace beaver {

struct PipelineStep {
  std::string name;
  std::vector<std::string> run;  // argv; "${var}" words are replaced by expand_step()
};

struct Pipeline {
  std::string name;
  std::string description;
  std::vector<std::string> tools;
  std::vector<std::string> detect;
  std::string version_source;  // what `beaver init` writes: pom, gradle or git
  std::string jar;             // with ${service} and ${version}
  std::vector<std::string> overridable;
  std::vector<PipelineStep> steps;
};

// Loads pipelines/<name>.yaml under `data_dir`; an unknown name lists the known ones.
Result<Pipeline> load_pipeline(const std::string& name, const std::filesystem::path& data_dir);

// Every pipeline in pipelines/, sorted by name.
Result<std::vector<Pipeline>> load_pipelines(const std::filesystem::path& data_dir);

using StepVariables = std::map<std::string, std::vector<std::string>>;

// The step's argv with variables replaced: a word that is exactly "${var}" becomes the variable's
// words (none, one or several); "${var}" inside a longer word becomes its words joined by spaces.
// An unknown variable is an error naming it.
Result<std::vector<std::string>> expand_step(const PipelineStep& step, const StepVariables& vars);

// The same replacement in one text (the jar path).
Result<std::string> expand_text(const std::string& text, const StepVariables& vars);

}  // namespace beaver
