#pragma once
// The words of the report's pages: each figure's plain label and its definition, the DORA bands'
// names and the pages' own sentences. They are data, templates/web/report-text.json, read at run
// time by the HTML report and by the dashboard (served as /web/report-text.json), so that both say
// the same and a translation is one more file.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "error/error.hpp"

namespace beaver {

class ReportWords {
 public:
  // From the JSON text of report-text.json; bad_input naming `name` when it is not that shape.
  static Result<ReportWords> parse(std::string_view json, const std::string& name);
  // From the file; an internal error naming it when it cannot be read (it is installed data).
  static Result<ReportWords> read(const std::filesystem::path& file);

  // A figure's label and definition by its name ("emergency_ratio"); the name itself and "" when
  // the words do not have it.
  std::string label(std::string_view figure) const;
  std::string definition(std::string_view figure) const;
  // A band's name ("elite" -> "Elite") and what the bands mean.
  std::string band(std::string_view band) const;
  std::string band_definition() const;
  // A sentence by its name with each {name} of `values` put in (values are not escaped here);
  // the name itself when the words do not have it.
  std::string text(std::string_view key,
                   const std::vector<std::pair<std::string, std::string>>& values = {}) const;
  // The figures' names in the file's order.
  const std::vector<std::string>& figures() const { return order_; }

 private:
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> figures_;
  std::vector<std::string> order_;
  std::map<std::string, std::string, std::less<>> bands_, text_;
};

}  // namespace beaver
