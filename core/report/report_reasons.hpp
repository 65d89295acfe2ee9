#pragma once
// The reasons people wrote for their emergencies, grouped so that the same reason written twice
// counts twice: by its normalized whole text. Chinese is written without spaces between words, so
// words cannot be counted; the whole text is compared instead, once trimmed, with runs of spaces
// made one, letters case-folded, full-width forms read as their ASCII ones and the punctuation
// that ends it dropped ("修复登录超时。" and "修复登录超时" are one reason).

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "report/report.hpp"

namespace beaver {

// The text reasons are compared by: trimmed; spaces (ASCII, no-break and the ideographic space)
// collapsed to one; the full-width forms U+FF01..U+FF5E read as ASCII; ASCII letters lower-cased
// (other scripts compare as written: Chinese has no case); and any run of trailing punctuation
// (ASCII . , ; : ! ? and 。，、；：！？…) dropped. Bytes that are no UTF-8 are kept as they are.
std::string normalized_reason(std::string_view text);

// Per category ("-" for none), the emergencies' reasons most often written over the releases the
// query reads, at most Report::kTopReasons a category: most frequent first, then by text. Each is
// shown as first written (trimmed, spaces collapsed). Reads inside the caller's transaction on
// `db` (a SqliteRowSource or a PgRowSource).
template <class Source>
std::map<std::string, std::vector<ReasonCount>> read_top_reasons(Source& db,
                                                                 const ReportQuery& query);

}  // namespace beaver
