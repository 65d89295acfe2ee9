#pragma once
// The report as JSON, with the stable field names schemas/report.schema.json documents.

#include <Poco/JSON/Object.h>

#include "report/report.hpp"

namespace beaver {

Poco::JSON::Object::Ptr report_json(const Report& report);

}  // namespace beaver
