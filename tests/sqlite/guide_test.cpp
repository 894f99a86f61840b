// docs/guide.md and docs/writing-a-dialect.md show compiled code: every ```cpp block of the guide
// is a piece of examples/guide.cpp (line breaks and indentation aside), which is run here and must
// print what the guide's comments say; every ```cpp and ```cmake block of "Writing a dialect" is a
// piece of sdk/template, which the sdk tests build against an installed crucible and run
// (scripts/test-sdk template).
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_process.hpp"
#include "docs_blocks.hpp"

namespace crucible::testing {
namespace {

const std::filesystem::path kRoot(CRUCIBLE_SOURCE_DIR);

// text without its blanks and line breaks: a page shows a function's body without its
// indentation, and may break a line where clang-format breaks it otherwise.
std::string squeezed(const std::string& text) {
  std::string out;
  for (const char c : text)
    if (c != ' ' && c != '\t' && c != '\n') out.push_back(c);
  return out;
}

void expect_blocks_in(const std::string& page, const std::string& language, const std::string& code,
                      std::size_t at_least) {
  const auto blocks = code_blocks(read_file(kRoot / "docs" / page), language);
  ASSERT_GE(blocks.size(), at_least) << "docs/" << page << " lost its " << language << " blocks";
  const std::string flat = squeezed(code);
  for (const std::string& block : blocks)
    EXPECT_NE(flat.find(squeezed(block)), std::string::npos)
        << "this " << language << " block of docs/" << page << " is not in the compiled code:\n"
        << block;
}

TEST(GuideDocs, EveryCodeBlockIsPartOfTheCompiledGuideExample) {
  expect_blocks_in("guide.md", "cpp", read_file(kRoot / "examples" / "guide.cpp"), 10);
}

TEST(GuideDocs, TheGuideExamplePrintsWhatTheGuideSays) {
  const ProcessResult r = run_process(CRUCIBLE_GUIDE_EXAMPLE, {"sqlite://"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "postgresql+libpq://scott:***@db.example.com:5432/shop?sslmode=require\n"
                   "postgresql+libpq db.example.com shop\n"
                   "orders users \n"
                   "id NOT NULL; user_id NOT NULL; item NOT NULL; qty NOT NULL; \n"
                   "1 foreign key, to users: reflected too\n"
                   "refused: duplicate email\n"
                   "1:alice 2:bob 3:carol \n"
                   "alice=4 bob=2 \n"
                   "alice\n"
                   "inkx2 penx3 \n"
                   "alice@example.com\n"
                   "no row\n"
                   "3 names, first alice\n"
                   "carol has no email\n"
                   "2 1 \n"
                   "alice@new.example.com\n");
  EXPECT_EQ(r.out.find("tiger"), std::string::npos) << "a password was printed";
}

TEST(WritingADialectDocs, EveryCodeBlockIsPartOfTheTemplatePlugin) {
  const std::filesystem::path t = kRoot / "sdk" / "template";
  std::string sources;
  for (const char* file :
       {"src/plugin.cpp", "src/mydb_dialect.hpp", "src/mydb_dialect.cpp", "src/mydriver.hpp",
        "src/mydriver.cpp", "tests/compliance_requirements.cpp"})
    sources += read_file(t / file);
  expect_blocks_in("writing-a-dialect.md", "cpp", sources, 4);
  expect_blocks_in("writing-a-dialect.md", "cmake",
                   read_file(t / "CMakeLists.txt") + read_file(t / "tests" / "CMakeLists.txt"), 2);
}

}  // namespace
}  // namespace crucible::testing
