#pragma once
// The code blocks of a Markdown page, for the tests that keep docs/ verbatim with compiled code
// (orm_docs_test.cpp, guide_test.cpp).
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace crucible::testing {

/// The whole file at path ("" when it cannot be read).
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// The bodies of the page's fenced blocks of language (```cpp, ```cmake), in order.
inline std::vector<std::string> code_blocks(const std::string& markdown,
                                            const std::string& language) {
  std::vector<std::string> out;
  const std::string open = "```" + language + "\n", close = "\n```";
  for (std::size_t pos = markdown.find(open); pos != std::string::npos;
       pos = markdown.find(open, pos)) {
    pos += open.size();
    const std::size_t end = markdown.find(close, pos);
    if (end == std::string::npos) break;
    out.push_back(markdown.substr(pos, end - pos));
    pos = end + close.size();
  }
  return out;
}

}  // namespace crucible::testing
