#pragma once
// Compact JSON text of the documents the operations return (Poco JSON objects and arrays of
// strings, integers, doubles, booleans and nulls). Written straight into one string: Poco's
// Stringifier goes through an ostream and a type conversion per value, which cost the server
// more than reading the release it answered with.

#include <Poco/Dynamic/Var.h>

#include <string>

namespace beaver {

std::string json_text(const Poco::Dynamic::Var& value);
void append_json(std::string& out, const Poco::Dynamic::Var& value);
void append_json_string(std::string& out, std::string_view text);

}  // namespace beaver
