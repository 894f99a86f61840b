// docs/orm.md shows code from the ORM examples, which are compiled and run by
// orm_examples_test.cpp; here every ```cpp block of the page must still appear verbatim in
// examples/orm_quickstart.cpp or examples/chinook_orm.cpp, so the page cannot drift from code
// that builds and runs.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> cpp_blocks(const std::string& markdown) {
  std::vector<std::string> out;
  const std::string open = "```cpp\n", close = "\n```";
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

TEST(OrmDocs, EveryCodeBlockIsCompiledExampleCode) {
  const std::filesystem::path root(CRUCIBLE_SOURCE_DIR);
  const std::string doc = read(root / "docs" / "orm.md");
  const std::string examples = read(root / "examples" / "orm_quickstart.cpp") +
                               read(root / "examples" / "chinook_orm.cpp");
  const auto blocks = cpp_blocks(doc);
  ASSERT_GE(blocks.size(), 4u) << "docs/orm.md lost its code blocks";
  for (const std::string& block : blocks)
    EXPECT_NE(examples.find(block), std::string::npos)
        << "this block of docs/orm.md is not in the compiled examples:\n"
        << block;
}

}  // namespace
