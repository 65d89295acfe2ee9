#include "ops/json_text.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <doctest/doctest.h>

using namespace beaver;

TEST_CASE("json text keeps the order of keys and writes every kind of value") {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("zeta", 1);
  o->set("alpha", int64_t{-9007199254740993});
  o->set("ok", true);
  o->set("none", Poco::Dynamic::Var());
  o->set("ratio", 0.25);
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  list->add(std::string("a"));
  list->add(uint64_t{18446744073709551615ULL});
  o->set("list", list);
  Poco::JSON::Object::Ptr inner = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  inner->set("b", false);
  o->set("inner", inner);
  CHECK(json_text(o) == R"({"zeta":1,"alpha":-9007199254740993,"ok":true,"none":null,"ratio":0.25,)"
                        R"("list":["a",18446744073709551615],"inner":{"b":false}})");
}

TEST_CASE("json text escapes what JSON requires and passes UTF-8 through") {
  std::string tricky = "q\"b\\n\nt\tc\x01 z\x7f 上海 /";
  CHECK(json_text(std::string("bad \xff byte")) == "\"bad \\ufffd byte\"");
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("reason", tricky);
  auto text = json_text(o);
  CHECK(text == "{\"reason\":\"q\\\"b\\\\n\\nt\\tc\\u0001 z\x7f 上海 /\"}");
  // And a JSON parser reads back exactly the string that went in.
  Poco::JSON::Parser parser;
  auto back = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
  CHECK(back->getValue<std::string>("reason") == tricky);
}
