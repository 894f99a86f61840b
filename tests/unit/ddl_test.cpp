// Schema definitions and their DDL: every generic type's name and every constraint kind, as the
// standard DDL compiler renders them and as the SQLite dialect (loaded from its plugin) does;
// validation of definitions; MetaData's foreign-key order and its cycle error.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crucible/crucible.hpp"
#include "crucible/sql/compiler.hpp"

using namespace crucible;
using crucible::sql::TableData;

namespace crucible {
// Readable failure messages (internal linkage: other test files may print these too).
[[maybe_unused]] static void PrintTo(const SqlType& type, std::ostream* os) { *os << type.repr(); }
[[maybe_unused]] static void PrintTo(const Value& value, std::ostream* os) {
  *os << kind_name(value.kind()) << " " << value.to_string();
}
}  // namespace crucible

namespace {

// A dialect with nothing overridden: the framework's standard SQL.
class StandardDialect final : public Dialect {
 public:
  std::string_view name() const noexcept override { return "standard"; }
  std::string_view default_driver() const noexcept override { return "none"; }
};
const StandardDialect kStandard;

const Dialect& sqlite_dialect() {
  static const registry::DialectPtr dialect = registry::load_dialect("sqlite");
  return *dialect;
}

std::string create_sql(const Dialect& d, const Table& t) {
  return d.ddl_compiler()->create_table(t.data());
}

std::vector<std::string> index_sql(const Dialect& d, const Table& t) {
  return d.ddl_compiler()->create_indexes(t.data());
}

// The message of the ArgumentError fn throws ("" and a test failure when it throws none).
template <class F>
std::string argument_error(F&& fn) {
  try {
    fn();
  } catch (const ArgumentError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ArgumentError thrown";
  return {};
}

std::vector<std::string> names(const std::vector<Table>& tables) {
  std::vector<std::string> out;
  for (const Table& t : tables) out.push_back(t.data().fullname());
  return out;
}

// One table with a column of every generic type.
Table every_type(MetaData& md) {
  return Table{"every_type",
               md,
               Column{"id", Integer{}, primary_key},
               Column{"c_small", SmallInteger{}},
               Column{"c_big", BigInteger{}},
               Column{"c_float", Float{}},
               Column{"c_double", Double{}},
               Column{"c_numeric", Numeric{10, 2}},
               Column{"c_numeric_p", Numeric{12}},
               Column{"c_numeric_any", Numeric{}},
               Column{"c_string", String{50}},
               Column{"c_string_any", String{}},
               Column{"c_text", Text{}},
               Column{"c_bool", Boolean{}},
               Column{"c_date", types::Date{}},
               Column{"c_time", types::Time{}},
               Column{"c_timetz", types::Time{true}},
               Column{"c_datetime", types::DateTime{}},
               Column{"c_datetimetz", types::DateTime{true}},
               Column{"c_blob", LargeBinary{}},
               Column{"c_uuid", types::Uuid{}},
               Column{"c_json", JSON{}},
               Column{"c_enum", Enum{{"draft", "it's done"}}}};
}

}  // namespace

// ---- type names --------------------------------------------------------------------------------

TEST(DdlTest, StandardDialectNamesEveryGenericType) {
  MetaData md;
  EXPECT_EQ(create_sql(kStandard, every_type(md)), "CREATE TABLE every_type (\n"
                                                   "\tid INTEGER NOT NULL,\n"
                                                   "\tc_small SMALLINT,\n"
                                                   "\tc_big BIGINT,\n"
                                                   "\tc_float REAL,\n"
                                                   "\tc_double DOUBLE PRECISION,\n"
                                                   "\tc_numeric NUMERIC(10, 2),\n"
                                                   "\tc_numeric_p NUMERIC(12),\n"
                                                   "\tc_numeric_any NUMERIC,\n"
                                                   "\tc_string VARCHAR(50),\n"
                                                   "\tc_string_any VARCHAR,\n"
                                                   "\tc_text TEXT,\n"
                                                   "\tc_bool BOOLEAN,\n"
                                                   "\tc_date DATE,\n"
                                                   "\tc_time TIME,\n"
                                                   "\tc_timetz TIME WITH TIME ZONE,\n"
                                                   "\tc_datetime TIMESTAMP,\n"
                                                   "\tc_datetimetz TIMESTAMP WITH TIME ZONE,\n"
                                                   "\tc_blob BLOB,\n"
                                                   "\tc_uuid CHAR(32),\n"
                                                   "\tc_json JSON,\n"
                                                   "\tc_enum VARCHAR(9),\n"
                                                   "\tPRIMARY KEY (id),\n"
                                                   "\tCHECK (c_enum IN ('draft', 'it''s done'))\n"
                                                   ")");
}

TEST(DdlTest, SqliteDialectNamesEveryGenericType) {
  MetaData md;
  EXPECT_EQ(create_sql(sqlite_dialect(), every_type(md)),
            "CREATE TABLE every_type (\n"
            "\tid INTEGER NOT NULL,\n"
            "\tc_small SMALLINT,\n"
            "\tc_big BIGINT,\n"
            "\tc_float FLOAT,\n"
            "\tc_double DOUBLE,\n"
            "\tc_numeric NUMERIC(10, 2),\n"
            "\tc_numeric_p NUMERIC(12),\n"
            "\tc_numeric_any NUMERIC,\n"
            "\tc_string VARCHAR(50),\n"
            "\tc_string_any VARCHAR,\n"
            "\tc_text TEXT,\n"
            "\tc_bool BOOLEAN,\n"
            "\tc_date DATE,\n"
            "\tc_time TIME,\n"
            "\tc_timetz TIME,\n"
            "\tc_datetime DATETIME,\n"
            "\tc_datetimetz DATETIME,\n"
            "\tc_blob BLOB,\n"
            "\tc_uuid CHAR(32),\n"
            "\tc_json JSON,\n"
            "\tc_enum VARCHAR(9),\n"
            "\tPRIMARY KEY (id),\n"
            "\tCHECK (c_enum IN ('draft', 'it''s done'))\n"
            ")");
}

TEST(DdlTest, TypeCompilerRefusesTheUntypedType) {
  EXPECT_THROW(kStandard.type_compiler().process(SqlType{}), NotSupportedError);
  EXPECT_THROW(sqlite_dialect().type_compiler().process(SqlType{}), NotSupportedError);
}

// ---- columns and constraints -------------------------------------------------------------------

TEST(DdlTest, ColumnRendersServerDefaultAndNullability) {
  MetaData md;
  Table t{"post",
          md,
          Column{"id", Integer{}, primary_key},
          Column{"status", String{10}, server_default("'draft'"), nullable(false)},
          Column{"created", types::DateTime{}, server_default("CURRENT_TIMESTAMP")},
          Column{"note", Text{}, nullable(true)},
          Column{"score", Integer{}, default_(5)}};  // a client default is not DDL
  EXPECT_EQ(create_sql(kStandard, t), "CREATE TABLE post (\n"
                                      "\tid INTEGER NOT NULL,\n"
                                      "\tstatus VARCHAR(10) DEFAULT 'draft' NOT NULL,\n"
                                      "\tcreated TIMESTAMP DEFAULT CURRENT_TIMESTAMP,\n"
                                      "\tnote TEXT,\n"
                                      "\tscore INTEGER,\n"
                                      "\tPRIMARY KEY (id)\n"
                                      ")");
}

TEST(DdlTest, CompositePrimaryKeyConstraintWithName) {
  MetaData md;
  Table t{"membership", md, Column{"user_id", Integer{}}, Column{"group_id", Integer{}},
          PrimaryKeyConstraint{{"group_id", "user_id"}, "pk_membership"}};
  EXPECT_EQ(t.data().primary_key, (std::vector<std::string>{"group_id", "user_id"}));
  EXPECT_TRUE(t.data().find("user_id")->primary_key);
  EXPECT_EQ(create_sql(sqlite_dialect(), t),
            "CREATE TABLE membership (\n"
            "\tuser_id INTEGER NOT NULL,\n"
            "\tgroup_id INTEGER NOT NULL,\n"
            "\tCONSTRAINT pk_membership PRIMARY KEY (group_id, user_id)\n"
            ")");
}

TEST(DdlTest, ColumnsMarkedPrimaryKeyFormACompositeKeyInColumnOrder) {
  MetaData md;
  Table t{"pair", md, Column{"a", Integer{}, primary_key}, Column{"b", String{5}, primary_key}};
  EXPECT_EQ(create_sql(kStandard, t), "CREATE TABLE pair (\n"
                                      "\ta INTEGER NOT NULL,\n"
                                      "\tb VARCHAR(5) NOT NULL,\n"
                                      "\tPRIMARY KEY (a, b)\n"
                                      ")");
}

TEST(DdlTest, UniqueCheckAndForeignKeyConstraints) {
  MetaData md;
  Table users{"users", md, Column{"id", Integer{}, primary_key}};
  Table t{"account",
          md,
          Column{"id", Integer{}, primary_key},
          Column{"email", String{120}, unique},
          Column{"owner_id", Integer{}, ForeignKey{"users.id", {.ondelete = "cascade"}}},
          Column{"region", String{2}},
          Column{"number", Integer{}},
          Column{"balance", Numeric{12, 2}},
          UniqueConstraint{{"region", "number"}, "uq_account_number"},
          CheckConstraint{"balance >= 0", "ck_balance"},
          CheckConstraint{"number > 0"},
          ForeignKeyConstraint{
              {"region", "number"},
              "ledger.accounts",
              {"region", "number"},
              {.name = "fk_ledger", .ondelete = "SET NULL", .onupdate = "no  action"}}};
  EXPECT_EQ(create_sql(kStandard, t),
            "CREATE TABLE account (\n"
            "\tid INTEGER NOT NULL,\n"
            "\temail VARCHAR(120),\n"
            "\towner_id INTEGER,\n"
            "\tregion VARCHAR(2),\n"
            "\tnumber INTEGER,\n"
            "\tbalance NUMERIC(12, 2),\n"
            "\tPRIMARY KEY (id),\n"
            "\tUNIQUE (email),\n"
            "\tCONSTRAINT uq_account_number UNIQUE (region, number),\n"
            "\tCONSTRAINT ck_balance CHECK (balance >= 0),\n"
            "\tCHECK (number > 0),\n"
            "\tFOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE,\n"
            "\tCONSTRAINT fk_ledger FOREIGN KEY (region, number) REFERENCES ledger.accounts "
            "(region, number) ON DELETE SET NULL ON UPDATE NO ACTION\n"
            ")");
  ASSERT_EQ(t.data().foreign_keys.size(), 2u);
  EXPECT_EQ(t.data().foreign_keys[1].referred_schema, "ledger");
  EXPECT_EQ(t.data().foreign_keys[1].referred_table, "accounts");
}

TEST(DdlTest, SchemaQualifiedForeignKeyTarget) {
  MetaData md;
  Table t{"child", md, Column{"id", Integer{}, primary_key},
          Column{"parent_id", Integer{}, ForeignKey{"other.parent.id"}}, Schema{"app"}};
  EXPECT_EQ(t.data().fullname(), "app.child");
  EXPECT_EQ(create_sql(kStandard, t), "CREATE TABLE app.child (\n"
                                      "\tid INTEGER NOT NULL,\n"
                                      "\tparent_id INTEGER,\n"
                                      "\tPRIMARY KEY (id),\n"
                                      "\tFOREIGN KEY (parent_id) REFERENCES other.parent (id)\n"
                                      ")");
}

TEST(DdlTest, IdentifiersAreQuotedWhenTheyMustBe) {
  MetaData md;
  Table t{"Order Items", md, Column{"order", Integer{}, primary_key}, Column{"Name", Text{}},
          Column{"plain", Text{}, indexed}};
  EXPECT_EQ(create_sql(sqlite_dialect(), t), "CREATE TABLE \"Order Items\" (\n"
                                             "\t\"order\" INTEGER NOT NULL,\n"
                                             "\t\"Name\" TEXT,\n"
                                             "\tplain TEXT,\n"
                                             "\tPRIMARY KEY (\"order\")\n"
                                             ")");
  EXPECT_EQ(index_sql(sqlite_dialect(), t),
            (std::vector<std::string>{
                "CREATE INDEX \"ix_Order Items_plain\" ON \"Order Items\" (plain)"}));
}

// ---- SQLite's rowid alias ----------------------------------------------------------------------

TEST(DdlTest, SqliteDeclaresALoneIntegerKeyOfAnyWidthAsInteger) {
  MetaData md;
  Table big{"big", md, Column{"id", BigInteger{}, primary_key}, Column{"n", BigInteger{}}};
  EXPECT_EQ(create_sql(sqlite_dialect(), big), "CREATE TABLE big (\n"
                                               "\tid INTEGER NOT NULL,\n"
                                               "\tn BIGINT,\n"
                                               "\tPRIMARY KEY (id)\n"
                                               ")");
  EXPECT_EQ(create_sql(kStandard, big), "CREATE TABLE big (\n"
                                        "\tid BIGINT NOT NULL,\n"
                                        "\tn BIGINT,\n"
                                        "\tPRIMARY KEY (id)\n"
                                        ")");
  // autoincrement(false), or a composite key, keeps the declared type.
  Table manual{"manual", md, Column{"id", BigInteger{}, primary_key, autoincrement(false)}};
  EXPECT_NE(create_sql(sqlite_dialect(), manual).find("id BIGINT NOT NULL"), std::string::npos);
  Table pair{"pair", md, Column{"a", BigInteger{}, primary_key},
             Column{"b", BigInteger{}, primary_key}};
  EXPECT_NE(create_sql(sqlite_dialect(), pair).find("a BIGINT NOT NULL"), std::string::npos);
}

// ---- indexes and DROP --------------------------------------------------------------------------

TEST(DdlTest, IndexesForIndexedColumnsAndIndexObjects) {
  MetaData md;
  Table t{"person",
          md,
          Column{"id", Integer{}, primary_key},
          Column{"last_name", String{40}, indexed},
          Column{"email", String{120}, indexed, unique},
          Column{"city", String{40}},
          Index{"ix_person_city_last", {"city", "last_name"}},
          Index{"", {"city"}, true}};
  // unique + indexed is a unique index, not also a UNIQUE constraint (as SQLAlchemy does)
  EXPECT_EQ(create_sql(kStandard, t).find("UNIQUE ("), std::string::npos);
  EXPECT_EQ(index_sql(kStandard, t),
            (std::vector<std::string>{
                "CREATE INDEX ix_person_last_name ON person (last_name)",
                "CREATE UNIQUE INDEX ix_person_email ON person (email)",
                "CREATE INDEX ix_person_city_last ON person (city, last_name)",
                "CREATE UNIQUE INDEX ix_person_city ON person (city)",
            }));
}

TEST(DdlTest, IndexOfASchemaTableIsQualifiedWhereEachDialectWantsIt) {
  MetaData md;
  Table t{"events", md, Column{"id", Integer{}, primary_key},
          Column{"happened", types::DateTime{}, indexed}, Schema{"aux"}};
  EXPECT_EQ(index_sql(kStandard, t),
            (std::vector<std::string>{"CREATE INDEX ix_events_happened ON aux.events (happened)"}));
  EXPECT_EQ(index_sql(sqlite_dialect(), t),
            (std::vector<std::string>{"CREATE INDEX aux.ix_events_happened ON events (happened)"}));
}

TEST(DdlTest, DropTable) {
  MetaData md;
  Table a{"a", md, Column{"id", Integer{}, primary_key}};
  Table b{"b", md, Column{"id", Integer{}, primary_key}, Schema{"s"}};
  EXPECT_EQ(kStandard.ddl_compiler()->drop_table(a.data()), "DROP TABLE a");
  EXPECT_EQ(sqlite_dialect().ddl_compiler()->drop_table(b.data()), "DROP TABLE s.b");
}

// ---- validation --------------------------------------------------------------------------------

TEST(DdlTest, UnknownColumnsInConstraintsNameTableAndColumn) {
  MetaData md;
  const auto check = [](const std::string& message, const std::string& column) {
    EXPECT_NE(message.find("table t"), std::string::npos) << message;
    EXPECT_NE(message.find("'" + column + "'"), std::string::npos) << message;
    EXPECT_NE(message.find("its columns are: id, a"), std::string::npos) << message;
  };
  check(argument_error([&] {
          Table{"t", md, Column{"id", Integer{}}, Column{"a", Integer{}},
                PrimaryKeyConstraint{{"id", "nope"}}};
        }),
        "nope");
  check(argument_error([&] {
          Table{"t", md, Column{"id", Integer{}}, Column{"a", Integer{}},
                UniqueConstraint{{"missing"}}};
        }),
        "missing");
  check(
      argument_error([&] {
        Table{"t", md, Column{"id", Integer{}}, Column{"a", Integer{}}, Index{"ix", {"a", "gone"}}};
      }),
      "gone");
  check(argument_error([&] {
          Table{"t", md, Column{"id", Integer{}}, Column{"a", Integer{}},
                ForeignKeyConstraint{{"b"}, "other", {"id"}}};
        }),
        "b");
  EXPECT_FALSE(md.contains("t"));  // nothing half-made was registered
}

TEST(DdlTest, MalformedDefinitionsAreRefused) {
  MetaData md;
  EXPECT_NE(argument_error([&] {
              Table{"t", md, Column{"a", Integer{}, ForeignKey{"nodot"}}};
            }).find("'nodot'"),
            std::string::npos);
  EXPECT_NE(argument_error([&] {
              Table{"t", md, Column{"a", Integer{}, ForeignKey{"x.y", {.ondelete = "DROP TABLE"}}}};
            }).find("'DROP TABLE'"),
            std::string::npos);
  EXPECT_NE(argument_error([&] {
              Table{"t", md, Column{"a", Integer{}}, Column{"a", Text{}}};
            }).find("twice"),
            std::string::npos);
  EXPECT_NE(argument_error([&] {
              Table{"t", md, Column{"a", Integer{}, primary_key}, Column{"b", Integer{}},
                    PrimaryKeyConstraint{{"b"}}};
            }).find("marks column 'a' primary_key"),
            std::string::npos);
  EXPECT_NE(argument_error([&] {
              Table{"t", md, Column{"a", Integer{}}, Column{"b", Integer{}},
                    ForeignKeyConstraint{{"a", "b"}, "o", {"x"}}};
            }).find("found 2 and 1"),
            std::string::npos);
}

// ---- MetaData ----------------------------------------------------------------------------------

TEST(DdlTest, MetaDataFindsTablesByFullName) {
  MetaData md;
  Table a{"a", md, Column{"id", Integer{}, primary_key}};
  Table b{"b", md, Column{"id", Integer{}, primary_key}, Schema{"s"}};
  EXPECT_TRUE(md.contains("a"));
  EXPECT_TRUE(md.contains("s.b"));
  EXPECT_FALSE(md.contains("b"));
  EXPECT_EQ(md.table("s.b").data().name, "b");
  EXPECT_EQ(&md.table("a").data(), &a.data());  // one shared definition
  const std::string message = argument_error([&] { md.table("zzz"); });
  EXPECT_NE(message.find("'zzz'"), std::string::npos) << message;
  EXPECT_NE(message.find("a, s.b"), std::string::npos) << message;
}

TEST(DdlTest, SortedTablesPutsEveryTableAfterTheTablesItRefersTo) {
  MetaData md;
  // Declared children first; ties keep definition order; a self-reference does not count.
  Table line{"invoice_line", md, Column{"id", Integer{}, primary_key},
             Column{"invoice_id", Integer{}, ForeignKey{"invoice.id"}},
             Column{"track_id", Integer{}, ForeignKey{"track.id"}}};
  Table invoice{"invoice", md, Column{"id", Integer{}, primary_key},
                Column{"customer_id", Integer{}, ForeignKey{"customer.id"}}};
  Table employee{"employee", md, Column{"id", Integer{}, primary_key},
                 Column{"reports_to", Integer{}, ForeignKey{"employee.id"}}};
  Table customer{"customer", md, Column{"id", Integer{}, primary_key},
                 Column{"rep_id", Integer{}, ForeignKey{"employee.id"}}};
  Table track{"track", md, Column{"id", Integer{}, primary_key},
              Column{"outside", Integer{}, ForeignKey{"not_here.id"}}};
  EXPECT_EQ(names(md.sorted_tables()),
            (std::vector<std::string>{"employee", "customer", "invoice", "track", "invoice_line"}));
}

TEST(DdlTest, SortedTablesReportsACycleByItsTables) {
  MetaData md;
  Table free_table{"free", md, Column{"id", Integer{}, primary_key}};
  Table a{"a", md, Column{"id", Integer{}, primary_key},
          Column{"c_id", Integer{}, ForeignKey{"c.id"}}};
  Table b{"b", md, Column{"id", Integer{}, primary_key},
          Column{"a_id", Integer{}, ForeignKey{"a.id"}}};
  Table c{"c", md, Column{"id", Integer{}, primary_key},
          Column{"b_id", Integer{}, ForeignKey{"b.id"}}};
  Table d{"d", md, Column{"id", Integer{}, primary_key},
          Column{"a_id", Integer{}, ForeignKey{"a.id"}}};
  const std::string message = argument_error([&] { md.sorted_tables(); });
  // The tables of the cycle only: not "free", nor "d", which merely waits on it.
  EXPECT_NE(message.find("unresolvable foreign key dependency exists between tables: a, b, c "
                         "(a -> c -> b -> a)"),
            std::string::npos)
      << message;
}

// ---- SqlType -----------------------------------------------------------------------------------

TEST(DdlTest, SqlTypeReprAndNumericFamily) {
  EXPECT_EQ(String{50}.repr(), "String(50)");
  EXPECT_EQ(Numeric(10, 2).repr(), "Numeric(10, 2)");
  EXPECT_EQ(types::DateTime{true}.repr(), "DateTime(true)");
  EXPECT_EQ(Enum({"a", "b"}, "kind").repr(), "Enum({\"a\", \"b\"}, \"kind\")");
  EXPECT_EQ(SqlType{}.repr(), "NullType");
  EXPECT_TRUE(Numeric{}.is_numeric());
  EXPECT_TRUE(BigInteger{}.is_numeric());
  EXPECT_TRUE(Double{}.is_numeric());
  EXPECT_FALSE(String{}.is_numeric());
  EXPECT_FALSE(Boolean{}.is_numeric());
}

// ---- reflected type names ----------------------------------------------------------------------

TEST(DdlTest, ReflectedTypeNamesMapToGenericTypes) {
  const auto r = [](std::string_view name) { return kStandard.reflect_type(name); };
  EXPECT_EQ(r("INTEGER"), Integer{});
  EXPECT_EQ(r("int"), Integer{});
  EXPECT_EQ(r("BIGINT"), BigInteger{});
  EXPECT_EQ(r("SMALLINT"), SmallInteger{});
  EXPECT_EQ(r("NVARCHAR(120)"), String{120});
  EXPECT_EQ(r("varchar( 20 )"), String{20});
  EXPECT_EQ(r("CHARACTER VARYING(8)"), String{8});
  EXPECT_EQ(r("CHAR(32)"), String{32});
  EXPECT_EQ(r("VARCHAR"), String{});
  EXPECT_EQ(r("TEXT"), Text{});
  EXPECT_EQ(r("CLOB"), Text{});
  EXPECT_EQ(r("REAL"), Float{});
  EXPECT_EQ(r("FLOAT"), Float{});
  EXPECT_EQ(r("FLOAT(53)"), Double{});
  EXPECT_EQ(r("DOUBLE"), Double{});
  EXPECT_EQ(r("DOUBLE PRECISION"), Double{});
  EXPECT_EQ(r("NUMERIC(10,2)"), Numeric(10, 2));
  EXPECT_EQ(r("DECIMAL(8, 3)"), Numeric(8, 3));
  EXPECT_EQ(r("NUMERIC"), Numeric{});
  EXPECT_EQ(r("BOOLEAN"), Boolean{});
  EXPECT_EQ(r("DATE"), types::Date{});
  EXPECT_EQ(r("TIME"), types::Time{});
  EXPECT_EQ(r("TIME WITH TIME ZONE"), types::Time{true});
  EXPECT_EQ(r("DATETIME"), types::DateTime{});
  EXPECT_EQ(r("TIMESTAMP"), types::DateTime{});
  EXPECT_EQ(r("TIMESTAMP(6) WITH TIME ZONE"), types::DateTime{true});
  EXPECT_EQ(r("timestamp without time zone"), types::DateTime{});
  EXPECT_EQ(r("BLOB"), LargeBinary{});
  EXPECT_EQ(r("BYTEA"), LargeBinary{});
  EXPECT_EQ(r("UUID"), types::Uuid{});
  EXPECT_EQ(r("JSON"), JSON{});
  EXPECT_EQ(r("ENUM('a','it''s')"), Enum({"a", "it's"}));
  EXPECT_EQ(r("GEOMETRY"), SqlType{});
  EXPECT_EQ(r("INTEGER[]"), SqlType{});
  EXPECT_EQ(r(""), SqlType{});
}

TEST(DdlTest, SqliteMapsUnknownTypeNamesByAffinity) {
  const auto r = [](std::string_view name) { return sqlite_dialect().reflect_type(name); };
  EXPECT_EQ(r("NVARCHAR(40)"), String{40});  // the generic names first
  EXPECT_EQ(r("UNSIGNED BIG INT"), Integer{});
  EXPECT_EQ(r("VARYING CHARACTER(255)"), Text{});
  EXPECT_EQ(r("MYFLOAT"), Float{});
  EXPECT_EQ(r("MONEY"), Numeric{});
  EXPECT_EQ(r(""), SqlType{});
}

// ---- bind and result processors ----------------------------------------------------------------

TEST(DdlTest, DefaultProcessorsConvertToTheTypesKindAndNeverLoseAValue) {
  EXPECT_EQ(kStandard.process_bind(Numeric{10, 2}, 7), Value(Decimal{"7"}));
  EXPECT_EQ(kStandard.process_bind(Numeric{}, "1.50"), Value(Decimal{"1.50"}));
  EXPECT_EQ(kStandard.process_bind(Integer{}, true), Value(1));
  EXPECT_EQ(kStandard.process_bind(Double{}, 3), Value(3.0));
  EXPECT_EQ(kStandard.process_bind(types::Date{}, "2024-02-29"), Value(Date{2024, 2, 29}));
  EXPECT_EQ(kStandard.process_bind(types::Uuid{}, "{12345678-1234-5678-1234-567812345678}"),
            Value(Uuid::parse("12345678123456781234567812345678")));
  EXPECT_EQ(kStandard.process_bind(Boolean{}, 1), Value(true));
  EXPECT_EQ(kStandard.process_bind(Boolean{}, 7), Value(7));                // unchanged
  EXPECT_EQ(kStandard.process_bind(types::Date{}, "soon"), Value("soon"));  // unchanged
  EXPECT_EQ(kStandard.process_bind(String{}, 5), Value(5));
  EXPECT_EQ(kStandard.process_bind(Integer{}, Value()), Value());

  EXPECT_EQ(kStandard.process_result(Numeric{10, 2}, 10), Value(Decimal{"10.00"}));
  EXPECT_EQ(kStandard.process_result(Numeric{10, 2}, 0.1), Value(Decimal{"0.10"}));
  EXPECT_EQ(kStandard.process_result(Numeric{}, 2.5), Value(Decimal{"2.5"}));
  EXPECT_EQ(kStandard.process_result(Boolean{}, 0), Value(false));
  EXPECT_EQ(kStandard.process_result(types::DateTime{}, "2024-01-02 03:04:05.5+01:00"),
            Value(DateTime::parse("2024-01-02T03:04:05.500000+01:00")));
  EXPECT_EQ(kStandard.process_result(Integer{}, 4.0), Value(4));
  EXPECT_EQ(kStandard.process_result(Integer{}, "abc"), Value("abc"));  // kept, not lost
  EXPECT_EQ(kStandard.process_result(Boolean{}, 2), Value(2));
  EXPECT_EQ(kStandard.process_result(JSON{}, "[1]"), Value(Json{"[1]"}));
  EXPECT_EQ(kStandard.process_result(String{}, Value()), Value());
  EXPECT_TRUE(kStandard.needs_result_processing(Integer{}));
  EXPECT_FALSE(kStandard.needs_result_processing(SqlType{}));
}

TEST(DdlTest, SqliteProcessorsStoreBooleansDatesUuidsAndJsonAsSqliteHoldsThem) {
  const Dialect& d = sqlite_dialect();
  const Uuid uuid = Uuid::parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  EXPECT_EQ(d.process_bind(Boolean{}, true), Value(1));
  EXPECT_EQ(d.process_bind(Boolean{}, false), Value(0));
  EXPECT_EQ(d.process_bind(types::Date{}, Date{2024, 2, 29}), Value("2024-02-29"));
  EXPECT_EQ(d.process_bind(types::Time{}, Time{13, 5, 9, 120}), Value("13:05:09.000120"));
  EXPECT_EQ(d.process_bind(types::DateTime{true}, DateTime::parse("2024-02-29T13:05:09+05:30")),
            Value("2024-02-29 13:05:09+05:30"));
  EXPECT_EQ(d.process_bind(types::DateTime{}, "2024-02-29T01:02:03"), Value("2024-02-29 01:02:03"));
  EXPECT_EQ(d.process_bind(types::Uuid{}, uuid), Value("0f1e2d3c4b5a69788796a5b4c3d2e1f0"));
  EXPECT_EQ(d.process_bind(types::Uuid{}, uuid.to_string()),
            Value("0f1e2d3c4b5a69788796a5b4c3d2e1f0"));
  EXPECT_EQ(d.process_bind(JSON{}, Json{"{\"a\": 1}"}), Value("{\"a\": 1}"));
  EXPECT_EQ(d.process_bind(Numeric{10, 2}, Decimal{"1.25"}), Value(Decimal{"1.25"}));

  EXPECT_EQ(d.process_result(Boolean{}, 1), Value(true));
  EXPECT_EQ(d.process_result(types::Date{}, "2024-02-29"), Value(Date{2024, 2, 29}));
  EXPECT_EQ(d.process_result(types::Date{}, "2024-02-29 00:00:00"), Value(Date{2024, 2, 29}));
  EXPECT_EQ(d.process_result(types::Date{}, "2024-02-29 10:00:00"), Value("2024-02-29 10:00:00"));
  EXPECT_EQ(d.process_result(types::Time{}, "13:05:09.000120"), Value(Time{13, 5, 9, 120}));
  EXPECT_EQ(d.process_result(types::Uuid{}, "0f1e2d3c4b5a69788796a5b4c3d2e1f0"), Value(uuid));
  EXPECT_EQ(d.process_result(JSON{}, 42), Value(Json{"42"}));
  EXPECT_EQ(d.process_result(JSON{}, 1.5), Value(Json{"1.5"}));
  EXPECT_EQ(d.process_result(Numeric{10, 2}, 12.5), Value(Decimal{"12.50"}));
  EXPECT_EQ(d.process_result(types::Uuid{}, "not a uuid"), Value("not a uuid"));
  EXPECT_FALSE(d.needs_result_processing(Integer{}));
  EXPECT_FALSE(d.needs_result_processing(String{10}));
  EXPECT_TRUE(d.needs_result_processing(Boolean{}));
  EXPECT_TRUE(d.needs_result_processing(types::Uuid{}));
}

TEST(DdlSequence, StandardCreateAndDropSequence) {
  const auto ddl = kStandard.ddl_compiler();
  EXPECT_EQ(ddl->create_sequence(Sequence{"ids"}), "CREATE SEQUENCE ids");
  EXPECT_EQ(
      ddl->create_sequence(Sequence{.name = "Ids", .start = 5, .increment = -1, .schema = "app"}),
      "CREATE SEQUENCE app.\"Ids\" INCREMENT BY -1 START WITH 5");
  EXPECT_EQ(ddl->drop_sequence(Sequence{"ids"}), "DROP SEQUENCE ids");
  EXPECT_THROW((void)ddl->create_sequence(Sequence{}), ArgumentError);
}

TEST(DdlSequence, StandardDialectCreatesNoTypesApartFromTables) {
  const auto ddl = kStandard.ddl_compiler();
  const Enum named({"a", "b"}, "ab");
  EXPECT_FALSE(ddl->creates_type(named));
  EXPECT_THROW((void)ddl->create_type(named), NotSupportedError);
  EXPECT_THROW((void)ddl->drop_type(named), NotSupportedError);
  EXPECT_FALSE(sqlite_dialect().ddl_compiler()->creates_type(named));
}

TEST(DdlSequence, MetaDataKeepsOneStandaloneSequencePerName) {
  MetaData md;
  md.add_sequence(Sequence{"a"});
  md.add_sequence(Sequence{.name = "a", .start = 10});
  md.add_sequence(Sequence{.name = "a", .schema = "s"});
  ASSERT_EQ(md.sequences().size(), 2u);
  EXPECT_EQ(md.sequences()[0].start, 10);
  EXPECT_EQ(md.sequences()[1].fullname(), "s.a");
  EXPECT_THROW(md.add_sequence(Sequence{}), ArgumentError);
}
