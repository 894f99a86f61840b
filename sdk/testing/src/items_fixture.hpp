#pragma once
// The tables shared by the DML and upsert cases of the compliance suite (internal to
// sdk/testing/src): items (id, name unique, hits, note) and archive (id, name, hits).
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "crucible/sdk/testing/compliance.hpp"

namespace crucible::sdk::testing {

/// (id, name, hits) of rows, by id.
using Rows = std::vector<std::tuple<std::int64_t, std::string, std::optional<std::int64_t>>>;

/// The two tables, created empty at SetUp.
class ItemsTest : public ComplianceTablesTest {
 protected:
  /// (id, name, hits) of every row of t (items_ or archive_), read back by id.
  Rows rows(const Table& t) {
    Rows out;
    for (const Row& r :
         conn().execute(select(t.c("id"), t.c("name"), t.c("hits")).order_by({t.c("id")})))
      out.emplace_back(r.get<std::int64_t>(0), r.get<std::string>(1),
                       r.get<std::optional<std::int64_t>>(2));
    return out;
  }
  /// Inserts items (1, a, 1), (2, b, 2), (3, c, 3).
  void seed() {
    conn().execute(insert(items_), std::vector<Params>{{{"id", 1}, {"name", "a"}, {"hits", 1}},
                                                       {{"id", 2}, {"name", "b"}, {"hits", 2}},
                                                       {{"id", 3}, {"name", "c"}, {"hits", 3}}});
  }

  Table items_{name("items"),
               metadata_,
               Column{"id", Integer{}, primary_key},
               Column{"name", String{20}, nullable(false), unique},
               Column{"hits", Integer{}},
               Column{"note", String{20}}};
  Table archive_{name("archive"), metadata_, Column{"id", Integer{}, primary_key},
                 Column{"name", String{20}}, Column{"hits", Integer{}}};
};

}  // namespace crucible::sdk::testing
