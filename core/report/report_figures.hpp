#pragma once
// What each report figure counts, in words, defined once: `beaver report --help` prints it and
// docs/reference/report.md holds the same lines (a test checks that they agree).

#include <string_view>

namespace beaver {

std::string_view report_figures_help();

}  // namespace beaver
