#include "report/report_words.hpp"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace beaver {
namespace {

std::string found(const std::map<std::string, std::string, std::less<>>& m, std::string_view key) {
  auto f = m.find(key);
  return f != m.end() ? f->second : std::string(key);
}

}  // namespace

Result<ReportWords> ReportWords::parse(std::string_view json, const std::string& name) {
  ReportWords out;
  try {
    Poco::JSON::Parser parser;
    auto root = parser.parse(std::string(json)).extract<Poco::JSON::Object::Ptr>();
    auto figures = root->getObject("figures");
    auto bands = root->getObject("bands");
    auto text = root->getObject("text");
    if (!figures || !bands || !text)
      return fail(ErrorKind::bad_input, "{}: wants the objects figures, bands and text", name);
    // Poco's objects do not keep the file's order; the figures' order is read off the text.
    std::vector<std::pair<size_t, std::string>> at;
    for (const auto& [key, value] : *figures) {
      auto f = figures->getObject(key);
      if (!f) return fail(ErrorKind::bad_input, "{}: figure '{}' is not an object", name, key);
      out.figures_[key] = {f->optValue<std::string>("label", key),
                           f->optValue<std::string>("definition", "")};
      at.emplace_back(json.find("\"" + key + "\""), key);
    }
    std::sort(at.begin(), at.end());
    for (auto& [pos, key] : at) out.order_.push_back(std::move(key));
    for (const auto& [key, value] : *bands) out.bands_[key] = value.toString();
    for (const auto& [key, value] : *text) out.text_[key] = value.toString();
  } catch (const Poco::Exception& e) {
    return fail(ErrorKind::bad_input, "{}: {}", name, e.displayText());
  } catch (const std::exception& e) {
    return fail(ErrorKind::bad_input, "{}: {}", name, e.what());
  }
  return out;
}

Result<ReportWords> ReportWords::read(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(ErrorKind::internal, "cannot read the report's words {}", file.string());
  std::ostringstream text;
  text << in.rdbuf();
  auto words = parse(text.str(), file.string());
  if (!words) return fail(ErrorKind::internal, "{}", words.error().message);
  return words;
}

std::string ReportWords::label(std::string_view figure) const {
  auto f = figures_.find(figure);
  return f != figures_.end() ? f->second.first : std::string(figure);
}

std::string ReportWords::definition(std::string_view figure) const {
  auto f = figures_.find(figure);
  return f != figures_.end() ? f->second.second : std::string();
}

std::string ReportWords::band(std::string_view b) const { return found(bands_, b); }

std::string ReportWords::band_definition() const {
  auto f = bands_.find("definition");
  return f != bands_.end() ? f->second : std::string();
}

std::string ReportWords::text(
    std::string_view key, const std::vector<std::pair<std::string, std::string>>& values) const {
  std::string out = found(text_, key);
  for (const auto& [name, value] : values) {
    std::string place = "{" + name + "}";
    for (size_t at = out.find(place); at != std::string::npos;
         at = out.find(place, at + value.size()))
      out.replace(at, place.size(), value);
  }
  return out;
}

}  // namespace beaver
