#pragma once

#include <string>

#include <nlohmann/json.hpp>

// Cell text shared by the renderers.
namespace mv::cli::detail {

using Json = nlohmann::ordered_json;

// A scalar as a table cell: null and absent "-", booleans yes/no, strings as they are.
std::string cell(const Json& value);
// The member `name` of `object` as a cell ("-" when absent).
std::string cell(const Json& object, const char* name);
// A number of milliseconds with one decimal, "-" when null.
std::string milliseconds(const Json& value);
// "<endpoint>  ok" or "<endpoint>  UNREACHABLE: <error>", the heading of a node's section.
std::string node_heading(const Json& node);
// The node did not answer: it carries a non-null "error".
bool node_failed(const Json& node);
// The node's list `member` when the node answered, else an empty array.
const Json& node_rows(const Json& node, const char* member);

}  // namespace mv::cli::detail
