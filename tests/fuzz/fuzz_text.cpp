// text() (SQLAlchemy's ':name' bind parameters, skipping string literals, quoted identifiers and
// comments through the SQL lexer) on any bytes, compiled in every paramstyle: it parses or
// throws crucible::Error (an unterminated literal or comment), each bind name is
// a non-empty word, a positional style has one placeholder value per occurrence, a named one one
// per distinct name.
#include <cctype>
#include <optional>

#include "crucible/dialect.hpp"
#include "crucible/errors.hpp"
#include "crucible/sql/text.hpp"
#include "fuzz_support.hpp"

using crucible::ParamStyle;

namespace {
// text() compiles without asking its dialect anything; CompileContext wants one all the same.
class AnyDialect final : public crucible::Dialect {
 public:
  std::string_view name() const noexcept override { return "fuzz"; }
  std::string_view default_driver() const noexcept override { return "fuzz"; }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view sql(reinterpret_cast<const char*>(data), size);
  std::optional<crucible::sql::TextClause> parsed;
  try {
    parsed.emplace(crucible::text(sql));
  } catch (const crucible::Error&) {  // refused with a reason (an unterminated literal…)
    return 0;
  }
  const crucible::sql::TextClause& clause = *parsed;
  if (clause.text() != sql) crucible::fuzz::fail("text() did not keep the statement verbatim");
  for (const std::string& name : clause.bind_names()) {
    if (name.empty()) crucible::fuzz::fail("an empty bind name");
    for (char c : name)
      if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_')
        crucible::fuzz::fail("bind name '" + name + "' holds a non-word character");
  }
  std::size_t occurrences = 0;
  for (const ParamStyle style : {ParamStyle::kQmark, ParamStyle::kNumeric, ParamStyle::kNamed,
                                 ParamStyle::kFormat, ParamStyle::kNumericDollar}) {
    static const AnyDialect dialect;
    const crucible::sql::CompileContext ctx{dialect, style};
    const auto compiled = clause.compile(ctx);
    if (style == ParamStyle::kQmark) occurrences = compiled->bind_names.size();
    if (style == ParamStyle::kFormat && compiled->bind_names.size() != occurrences)
      crucible::fuzz::fail("qmark and format styles disagree on the placeholders");
    if ((style == ParamStyle::kNamed || style == ParamStyle::kNumeric ||
         style == ParamStyle::kNumericDollar) &&
        compiled->bind_names != clause.bind_names())
      crucible::fuzz::fail("a named style does not bind each distinct name once");
  }
  if (occurrences < clause.bind_names().size())
    crucible::fuzz::fail("fewer placeholders than distinct names");
  return 0;
}
