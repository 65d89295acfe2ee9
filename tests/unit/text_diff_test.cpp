#include "text/text_diff.hpp"

#include <doctest/doctest.h>

#include "model/names.hpp"

using namespace beaver;

TEST_CASE("a text diff is unified hunks with three lines of context") {
  std::string before = "a=1\nb=2\nc=3\nd=4\ne=5\nf=6\ng=7\nh=8\n";
  std::string after = "a=1\nb=2\nc=3\nd=4\ne=50\nf=6\ng=7\nh=8\n";
  CHECK(text_diff(before, after) ==
        "@@ -2,7 +2,7 @@\n b=2\n c=3\n d=4\n-e=5\n+e=50\n f=6\n g=7\n h=8\n");
  CHECK(text_diff(before, before) == "");
}

TEST_CASE("a file added diffs against nothing, and a long diff is cut with a count") {
  CHECK(text_diff("", "x=1\ny=2\n") == "@@ -0,0 +1,2 @@\n+x=1\n+y=2\n");
  CHECK(text_diff("x=1\n", "") == "@@ -1,1 +0,0 @@\n-x=1\n");
  std::string many;
  for (int i = 0; i < 50; ++i) many += "line " + std::to_string(i) + "\n";
  auto cut = text_diff("", many, 10).value_or("");
  CHECK(cut.starts_with("@@ -0,0 +1,50 @@\n+line 0\n"));
  CHECK(cut.ends_with("+line 8\n... 41 more lines\n"));
}

TEST_CASE("a last line without a newline diffs as a line") {
  CHECK(text_diff("k=v", "k=w") == "@@ -1,1 +1,1 @@\n-k=v\n+k=w\n");
}

TEST_CASE("a diff of texts too long to draw at each read is not drawn, nor mistaken for none") {
  std::string a, b;
  for (size_t i = 0; i < kMostDiffLines / 2 + 1; ++i) {
    a += "a" + std::to_string(i) + "\n";
    b += "b" + std::to_string(i) + "\n";
  }
  CHECK_FALSE(text_diff(a, b).has_value());
  CHECK(text_diff(a, a) == "");
}

TEST_CASE("text shown to people loses what steers a terminal or the order of the text") {
  CHECK(displayable_text("ok\x1b[31m\r\tx\n", false) == "ok\uFFFD[31m\uFFFD\tx\uFFFD");
  CHECK(displayable_text("a\nb", true) == "a\nb");
  CHECK(displayable_text("pay \u202Egnp.exe", true) == "pay \uFFFDgnp.exe");
  CHECK(displayable_text("\xC2\x85 \xE9t\xC3\xA9", false) == "\uFFFD \uFFFDt\u00E9");
}
