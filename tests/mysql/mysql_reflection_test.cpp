// Reflection of the mysql dialect on a real MariaDB (mysql_reflection.cpp): what
// information_schema says about tables made by hand in MySQL's own DDL, as the Inspector and
// Table reflection hand it to programs, and tables made by create_all reflecting back to the
// same definition.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "crucible/crucible.hpp"
#include "mysql_fixture.hpp"

using namespace crucible;

namespace {

using Strings = std::vector<std::string>;

class MysqlReflectionTest : public crucible::testing::MysqlEngineFixture {
 protected:
  void SetUp() override {
    MysqlEngineFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    // MySQL's own DDL, as a schema not made by crucible would be written.
    exec("CREATE TABLE authors (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, "
         "name VARCHAR(60) NOT NULL COMMENT 'full name', flag TINYINT(1) DEFAULT 0, "
         "kind ENUM('a','b''c') NOT NULL DEFAULT 'a', born DATETIME(6) DEFAULT "
         "CURRENT_TIMESTAMP(6), doc JSON, small MEDIUMINT, big BIGINT, rate DOUBLE, "
         "price DECIMAL(10,2) DEFAULT 9.50, raw VARBINARY(16), body LONGTEXT, "
         "UNIQUE KEY uq_authors_name (name), KEY ix_authors_big_small (big, small)) "
         "ENGINE=InnoDB");
    exec("CREATE TABLE books (id INT NOT NULL PRIMARY KEY, author_id INT UNSIGNED, "
         "editor_id INT UNSIGNED, "
         "CONSTRAINT fk_books_author FOREIGN KEY (author_id) REFERENCES authors (id) "
         "ON DELETE CASCADE ON UPDATE SET NULL, "
         "FOREIGN KEY (editor_id) REFERENCES authors (id)) ENGINE=InnoDB");
    exec("CREATE VIEW author_names AS SELECT name FROM authors");
  }

  Inspector inspector() { return Inspector(engine()); }

  static const ReflectedColumn& named(const std::vector<ReflectedColumn>& columns,
                                      const std::string& name) {
    const auto it = std::find_if(columns.begin(), columns.end(),
                                 [&](const ReflectedColumn& c) { return c.name == name; });
    if (it == columns.end()) throw std::runtime_error("no reflected column " + name);
    return *it;
  }
};

}  // namespace

TEST_F(MysqlReflectionTest, TablesViewsAndSchemas_AreListed) {
  EXPECT_EQ(inspector().get_table_names(), (Strings{"authors", "books"}));
  EXPECT_EQ(inspector().get_view_names(), (Strings{"author_names"}));
  const Strings schemas = inspector().get_schema_names();
  EXPECT_NE(std::find(schemas.begin(), schemas.end(), database_), schemas.end());
  EXPECT_EQ(std::find(schemas.begin(), schemas.end(), "mysql"), schemas.end());
  EXPECT_TRUE(inspector().has_table("authors"));
  EXPECT_FALSE(inspector().has_table("nobody"));
  EXPECT_THROW(inspector().get_columns("nobody"), NoSuchTableError);
  // Another schema (database) by name.
  EXPECT_EQ(inspector().get_table_names(database_), (Strings{"authors", "books"}));
}

TEST_F(MysqlReflectionTest, Columns_CarryTypesNullabilityDefaultsAndComments) {
  const auto columns = inspector().get_columns("authors");
  const Dialect& d = engine().dialect();
  const auto kind_of = [&](const std::string& name) {
    return d.reflect_type(named(columns, name).type).kind();
  };
  EXPECT_EQ(kind_of("id"), TypeKind::kBigInteger);  // INT UNSIGNED does not fit an Integer
  EXPECT_EQ(kind_of("name"), TypeKind::kString);
  EXPECT_EQ(kind_of("flag"), TypeKind::kBoolean);
  EXPECT_EQ(kind_of("kind"), TypeKind::kEnum);
  EXPECT_EQ(kind_of("born"), TypeKind::kDateTime);
  EXPECT_EQ(kind_of("doc"), TypeKind::kJson);  // MariaDB: LONGTEXT with CHECK (json_valid)
  EXPECT_EQ(kind_of("small"), TypeKind::kInteger);
  EXPECT_EQ(kind_of("big"), TypeKind::kBigInteger);
  EXPECT_EQ(kind_of("rate"), TypeKind::kDouble);
  EXPECT_EQ(kind_of("price"), TypeKind::kNumeric);
  EXPECT_EQ(kind_of("raw"), TypeKind::kLargeBinary);
  EXPECT_EQ(kind_of("body"), TypeKind::kText);
  EXPECT_EQ(d.reflect_type(named(columns, "kind").type).enum_values(), (Strings{"a", "b'c"}));

  EXPECT_TRUE(named(columns, "id").autoincrement);
  EXPECT_FALSE(named(columns, "big").autoincrement);
  EXPECT_FALSE(named(columns, "name").nullable);
  EXPECT_TRUE(named(columns, "flag").nullable);
  EXPECT_EQ(named(columns, "name").comment, std::optional<std::string>("full name"));
  EXPECT_EQ(named(columns, "kind").default_, std::optional<std::string>("'a'"));
  EXPECT_EQ(named(columns, "flag").default_, std::optional<std::string>("0"));
  EXPECT_EQ(named(columns, "price").default_, std::optional<std::string>("9.50"));
  ASSERT_TRUE(named(columns, "born").default_.has_value());
  EXPECT_NE(named(columns, "born").default_->find("current_timestamp"), std::string::npos)
      << *named(columns, "born").default_;
  EXPECT_FALSE(named(columns, "big").default_.has_value());  // DEFAULT NULL is no default
}

TEST_F(MysqlReflectionTest, Keys_PrimaryForeignAndUnique) {
  const ReflectedPrimaryKey pk = inspector().get_pk_constraint("authors");
  EXPECT_EQ(pk.constrained_columns, (Strings{"id"}));
  const auto fks = inspector().get_foreign_keys("books");
  ASSERT_EQ(fks.size(), 2u);
  const auto by_name = [&](const std::string& name) {
    return *std::find_if(fks.begin(), fks.end(), [&](const auto& fk) { return fk.name == name; });
  };
  const ReflectedForeignKey author = by_name("fk_books_author");
  EXPECT_EQ(author.constrained_columns, (Strings{"author_id"}));
  EXPECT_EQ(author.referred_table, "authors");
  EXPECT_EQ(author.referred_columns, (Strings{"id"}));
  EXPECT_FALSE(author.referred_schema.has_value());
  EXPECT_EQ(author.on_delete, std::optional<std::string>("CASCADE"));
  EXPECT_EQ(author.on_update, std::optional<std::string>("SET NULL"));
  const ReflectedForeignKey editor = by_name("books_ibfk_1");  // InnoDB's name for an unnamed key
  EXPECT_EQ(editor.constrained_columns, (Strings{"editor_id"}));
  EXPECT_FALSE(editor.on_delete.has_value());  // RESTRICT / NO ACTION: the default
  const auto uniques = inspector().get_unique_constraints("authors");
  ASSERT_EQ(uniques.size(), 1u);
  EXPECT_EQ(uniques[0].name, std::optional<std::string>("uq_authors_name"));
  EXPECT_EQ(uniques[0].column_names, (Strings{"name"}));
}

TEST_F(MysqlReflectionTest, Indexes_LeaveOutUniqueKeysAndForeignKeyIndexes) {
  const auto indexes = inspector().get_indexes("authors");
  ASSERT_EQ(indexes.size(), 1u);
  EXPECT_EQ(indexes[0].name, "ix_authors_big_small");
  EXPECT_EQ(indexes[0].column_names, (Strings{"big", "small"}));
  EXPECT_FALSE(indexes[0].unique);
  // The indexes InnoDB made for the two foreign keys of books are the keys' own.
  EXPECT_TRUE(inspector().get_indexes("books").empty());
}

TEST_F(MysqlReflectionTest, CreatedTable_ReflectsToTheSameDefinition) {
  MetaData md;
  Table t{"made",
          md,
          Column{"id", Integer{}, primary_key},
          Column{"name", String{30}},
          Column{"flag", Boolean{}},
          Column{"amount", Numeric{12, 3}},
          Column{"state", Enum({"on", "off"})},
          Column{"at", types::DateTime{}},
          Column{"data", JSON{}},
          Column{"blob", LargeBinary{}},
          Column{"u", types::Uuid{}},
          Index{"ix_made_name", {"name"}}};
  md.create_all(engine());
  MetaData reflected;
  Table r = Table::reflect("made", reflected, engine());
  const sql::TableData& data = r.data();
  ASSERT_EQ(data.columns.size(), t.data().columns.size());
  for (std::size_t i = 0; i < data.columns.size(); ++i) {
    EXPECT_EQ(data.columns[i].name, t.data().columns[i].name);
    EXPECT_EQ(data.columns[i].type.kind(), t.data().columns[i].type.kind())
        << data.columns[i].name << " reflected as " << data.columns[i].type.repr();
  }
  EXPECT_EQ(data.primary_key, (Strings{"id"}));
  ASSERT_EQ(data.indexes.size(), 1u);
  EXPECT_EQ(data.indexes[0].columns, (Strings{"name"}));
  // The reflected table works with the expression language.
  Connection c = engine().connect();
  c.execute(insert(r).values({{"name", "x"}, {"flag", true}, {"state", "off"}}));
  EXPECT_EQ(c.execute(select(r.c("flag"), r.c("state"))).one().values(),
            (std::vector<Value>{Value(true), Value("off")}));
}
