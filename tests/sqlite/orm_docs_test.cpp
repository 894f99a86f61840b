// docs/orm.md shows code from the ORM examples, which are compiled and run by
// orm_examples_test.cpp; here every ```cpp block of the page must still appear verbatim in
// examples/orm_quickstart.cpp or examples/chinook_orm.cpp, so the page cannot drift from code
// that builds and runs.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "docs_blocks.hpp"

namespace {

using crucible::testing::code_blocks;
using crucible::testing::read_file;

TEST(OrmDocs, EveryCodeBlockIsCompiledExampleCode) {
  const std::filesystem::path root(CRUCIBLE_SOURCE_DIR);
  const std::string doc = read_file(root / "docs" / "orm.md");
  const std::string examples = read_file(root / "examples" / "orm_quickstart.cpp") +
                               read_file(root / "examples" / "chinook_orm.cpp");
  const auto blocks = code_blocks(doc, "cpp");
  ASSERT_GE(blocks.size(), 4u) << "docs/orm.md lost its code blocks";
  for (const std::string& block : blocks)
    EXPECT_NE(examples.find(block), std::string::npos)
        << "this block of docs/orm.md is not in the compiled examples:\n"
        << block;
}

}  // namespace
