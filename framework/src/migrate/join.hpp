#pragma once
// Internal to libcrucible's migrations: lists of names and ids in messages. Not public.
#include <string>
#include <string_view>
#include <vector>

namespace crucible::migrate::detail {

/// "a, b, c"; `empty` for an empty list.
inline std::string join(const std::vector<std::string>& names, std::string_view empty = "") {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? std::string(empty) : out;
}

}  // namespace crucible::migrate::detail
