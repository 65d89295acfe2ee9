#include "text/text_diff.hpp"

#include <doctest/doctest.h>

using namespace beaver;

TEST_CASE("a text diff is unified hunks with three lines of context") {
  std::string before = "a=1\nb=2\nc=3\nd=4\ne=5\nf=6\ng=7\nh=8\n";
  std::string after = "a=1\nb=2\nc=3\nd=4\ne=50\nf=6\ng=7\nh=8\n";
  CHECK(text_diff(before, after) ==
        "@@ -2,7 +2,7 @@\n b=2\n c=3\n d=4\n-e=5\n+e=50\n f=6\n g=7\n h=8\n");
  CHECK(text_diff(before, before).empty());
}

TEST_CASE("a file added diffs against nothing, and a long diff is cut with a count") {
  CHECK(text_diff("", "x=1\ny=2\n") == "@@ -0,0 +1,2 @@\n+x=1\n+y=2\n");
  CHECK(text_diff("x=1\n", "") == "@@ -1,1 +0,0 @@\n-x=1\n");
  std::string many;
  for (int i = 0; i < 50; ++i) many += "line " + std::to_string(i) + "\n";
  auto cut = text_diff("", many, 10);
  CHECK(cut.starts_with("@@ -0,0 +1,50 @@\n+line 0\n"));
  CHECK(cut.ends_with("+line 8\n... 41 more lines\n"));
}

TEST_CASE("a last line without a newline diffs as a line") {
  CHECK(text_diff("k=v", "k=w") == "@@ -1,1 +1,1 @@\n-k=v\n+k=w\n");
}
