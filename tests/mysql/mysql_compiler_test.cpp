// The mysql and mariadb dialects' SQL language without a server: the statement compiler, the
// type compiler and the DDL compiler (mysql_compiler.hpp, mysql_types.hpp, mysql_ddl.hpp), for
// every construct MySQL spells differently from the framework's standard SQL, and for the
// spellings that depend on the server's version. The test server is MariaDB, so MySQL 8's
// spellings (the upsert's row alias) are checked here, by initializing a dialect with a MySQL
// version; what the server makes of the SQL is checked in mysql_schema_test.cpp,
// mysql_upsert_test.cpp and the compliance suite.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "crucible/crucible.hpp"
#include "crucible/registry.hpp"
#include "crucible/sql/compiler.hpp"

using namespace crucible;

namespace {

// Stands in for a connection to a server of a given version, for Dialect::initialize, which
// reads nothing but server_version(). Everything else refuses: a compile test never executes.
class VersionOnlyConnection final : public DbapiConnection {
 public:
  explicit VersionOnlyConnection(std::string version) : version_(std::move(version)) {}
  std::unique_ptr<Cursor> cursor() override { refuse(); }
  void commit() override { refuse(); }
  void rollback() override { refuse(); }
  void close() noexcept override {}
  bool ping() noexcept override { return false; }
  void set_autocommit(bool /*on*/) override { refuse(); }
  bool autocommit() const noexcept override { return false; }
  void set_isolation_level(std::string_view /*level*/) override { refuse(); }
  bool in_transaction() const noexcept override { return false; }
  std::string server_version() const override { return version_; }
  ParamStyle paramstyle() const noexcept override { return ParamStyle::kQmark; }

 private:
  [[noreturn]] static void refuse() {
    throw InterfaceError(ErrorInfo{.driver_message = "a compile test opened no connection"});
  }
  std::string version_;
};

// The dialect called name, initialized as if connected to a server of version.
registry::DialectPtr dialect_for(const std::string& name, const std::string& version) {
  registry::DialectPtr dialect = registry::load_dialect(name);
  VersionOnlyConnection conn(version);
  dialect->initialize(conn);
  return dialect;
}

class MysqlCompilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mariadb_ = dialect_for("mariadb", "10.11.6-MariaDB-0+deb12u1");
    mysql8_ = dialect_for("mysql", "8.0.36");
    mysql57_ = dialect_for("mysql", "5.7.44-log");
  }

  // The SQL as the mariadbconnector driver gets it (? placeholders).
  static std::string sql(const sql::Executable& stmt, const Dialect& dialect) {
    return sql::compile(stmt, dialect, {}, ParamStyle::kQmark)->sql;
  }
  std::string sql(const sql::Executable& stmt) const { return sql(stmt, *mariadb_); }
  std::string literal_sql(const sql::Executable& stmt) const {
    return sql::compile(stmt, *mariadb_, {.literal_binds = true}, ParamStyle::kQmark)->sql;
  }
  std::string where(const Expr& criterion) const {
    const std::string text = sql(select(users_.c("id")).where(criterion));
    const auto at = text.find("WHERE ");
    return at == std::string::npos ? text : text.substr(at + 6);
  }
  std::string type_name(const SqlType& type, const Dialect& dialect) const {
    return dialect.type_compiler().process(type);
  }

  registry::DialectPtr mariadb_;
  registry::DialectPtr mysql8_;
  registry::DialectPtr mysql57_;
  MetaData metadata_;
  Table users_{"users",
               metadata_,
               Column{"id", Integer{}, primary_key},
               Column{"name", String{50}, nullable(false)},
               Column{"email", String{120}},
               Column{"active", Boolean{}},
               UniqueConstraint{{"email"}, "uq_users_email"}};
};

// ---- identifiers and expressions --------------------------------------------------------------

TEST_F(MysqlCompilerTest, Identifiers_AreQuotedWithBackticks) {
  MetaData md;
  Table t{"Order", md, Column{"key", Integer{}, primary_key}, Column{"we`ird", Integer{}},
          Column{"plain", Integer{}}};
  EXPECT_EQ(sql(select(t.c("key"), t.c("we`ird"), t.c("plain"))),
            "SELECT `Order`.`key`, `Order`.`we``ird`, `Order`.plain \nFROM `Order`");
}

TEST_F(MysqlCompilerTest, StringConcatenation_IsConcatNotOr) {
  EXPECT_EQ(where(users_.c("name") + "@" + users_.c("email") == "a@b"),
            "(concat(users.name, ?, users.email)) = ?");
}

TEST_F(MysqlCompilerTest, IntegerDivision_IsDiv) {
  MetaData md;
  Table t{"t", md, Column{"id", Integer{}, primary_key}, Column{"price", Numeric{10, 2}}};
  EXPECT_EQ(sql(select(t.c("id") / 4)), "SELECT t.id DIV ? \nFROM t");
  EXPECT_EQ(sql(select(t.c("price") / 4)), "SELECT t.price / ? \nFROM t");
}

TEST_F(MysqlCompilerTest, IsDistinctFrom_IsTheNullSafeEquality) {
  EXPECT_EQ(where(users_.c("email").is_distinct_from(users_.c("name"))),
            "NOT (users.email <=> users.name)");
  EXPECT_EQ(where(users_.c("email").is_not_distinct_from("x") || users_.c("active")),
            "users.email <=> ? OR users.active");
}

TEST_F(MysqlCompilerTest, Ilike_IsLowerLikeLower) {
  EXPECT_EQ(where(users_.c("name").ilike("al%")), "lower(users.name) LIKE lower(?)");
}

TEST_F(MysqlCompilerTest, TrueAndFalse_AreWrittenAsSuch) {
  EXPECT_EQ(sql(select(true_(), false_())), "SELECT true, false");
  // A bound Boolean is the 0/1 MySQL stores.
  EXPECT_EQ(literal_sql(select(users_.c("id")).where(users_.c("active") == true)),
            "SELECT users.id \nFROM users \nWHERE users.active = 1");
}

TEST_F(MysqlCompilerTest, Cast_UsesTheNamesMysqlCastAccepts) {
  EXPECT_EQ(sql(select(cast(users_.c("name"), Integer{}))),
            "SELECT CAST(users.name AS SIGNED) \nFROM users");
  EXPECT_EQ(sql(select(cast(users_.c("id"), String{10}))),
            "SELECT CAST(users.id AS CHAR(10)) \nFROM users");
  EXPECT_EQ(sql(select(cast(users_.c("id"), Text{}))),
            "SELECT CAST(users.id AS CHAR) \nFROM users");
  EXPECT_EQ(sql(select(cast(users_.c("id"), Numeric{10, 2}))),
            "SELECT CAST(users.id AS DECIMAL(10, 2)) \nFROM users");
  EXPECT_EQ(sql(select(cast(users_.c("id"), Double{}))),
            "SELECT CAST(users.id AS DOUBLE) \nFROM users");
}

TEST_F(MysqlCompilerTest, LiteralStrings_EscapeBackslashes) {
  EXPECT_EQ(literal_sql(select(users_.c("id")).where(users_.c("name") == "a\\'b")),
            "SELECT users.id \nFROM users \nWHERE users.name = 'a\\\\''b'");
}

// ---- SELECT -------------------------------------------------------------------------------------

TEST_F(MysqlCompilerTest, LimitAndOffset_AreMysqlsLimit) {
  EXPECT_EQ(sql(select(users_.c("id")).limit(10).offset(20)),
            "SELECT users.id \nFROM users\n LIMIT ? OFFSET ?");
  // No OFFSET without LIMIT in MySQL: the manual's "all rows" limit.
  EXPECT_EQ(literal_sql(select(users_.c("id")).offset(5)),
            "SELECT users.id \nFROM users\n LIMIT 18446744073709551615 OFFSET 5");
}

TEST_F(MysqlCompilerTest, NullsOrdering_IsAnIsNullSortTerm) {
  EXPECT_EQ(sql(select(users_.c("id")).order_by({users_.c("email").asc().nulls_last()})),
            "SELECT users.id \nFROM users ORDER BY users.email IS NULL ASC, users.email ASC");
  EXPECT_EQ(sql(select(users_.c("id")).order_by({users_.c("email").desc().nulls_first()})),
            "SELECT users.id \nFROM users ORDER BY users.email IS NULL DESC, users.email DESC");
}

TEST_F(MysqlCompilerTest, FullOuterJoin_IsRefused) {
  MetaData md;
  Table a{"a", md, Column{"id", Integer{}, primary_key}};
  Table b{"b", md, Column{"id", Integer{}, primary_key}};
  EXPECT_THROW(sql(select(a.c("id")).select_from(a.join(b, a.c("id") == b.c("id"), true, true))),
               NotSupportedError);
  EXPECT_EQ(sql(select(a.c("id")).select_from(a.outerjoin(b, a.c("id") == b.c("id")))),
            "SELECT a.id \nFROM a LEFT OUTER JOIN b ON a.id = b.id");
}

TEST_F(MysqlCompilerTest, IntersectAndExcept_FollowTheServerVersion) {
  const auto both = intersect({select(users_.c("id")), select(users_.c("id"))});
  EXPECT_EQ(sql(both), "SELECT users.id \nFROM users INTERSECT SELECT users.id \nFROM users");
  EXPECT_THROW(sql(both, *mysql57_), NotSupportedError);
  EXPECT_THROW(sql(except_({select(users_.c("id")), select(users_.c("id"))}),
                   *dialect_for("mysql", "8.0.30")),
               NotSupportedError);  // 8.0.31+
  const auto mysql_8031 = dialect_for("mysql", "8.0.31");
  EXPECT_NO_THROW(sql(both, *mysql_8031));
}

// ---- INSERT, UPDATE, DELETE, RETURNING ----------------------------------------------------------

TEST_F(MysqlCompilerTest, Returning_FollowsWhatTheServerHas) {
  const auto ins = insert(users_).values({{"name", "a"}}).returning({users_.c("id")});
  EXPECT_EQ(sql(ins), "INSERT INTO users (name) VALUES (?) RETURNING users.id");
  EXPECT_THROW(sql(ins, *mysql8_), NotSupportedError);
  EXPECT_THROW(sql(ins, *dialect_for("mariadb", "10.4.32-MariaDB")), NotSupportedError);
  const auto del = delete_(users_).where(users_.c("id") == 1).returning({users_.c("name")});
  EXPECT_EQ(sql(del), "DELETE FROM users WHERE users.id = ? RETURNING users.name");
  EXPECT_NO_THROW(sql(del, *dialect_for("mariadb", "10.4.32-MariaDB")));
  EXPECT_THROW(sql(del, *mysql8_), NotSupportedError);
  // UPDATE … RETURNING exists on neither.
  EXPECT_THROW(sql(update(users_).values({{"name", "b"}}).returning({users_.c("id")})),
               NotSupportedError);
  EXPECT_FALSE(mysql8_->features().supports_returning);
  EXPECT_TRUE(mariadb_->features().supports_returning);
}

// ---- the upsert -------------------------------------------------------------------------------

TEST_F(MysqlCompilerTest, Upsert_IsOnDuplicateKeyWithValuesOnMariadbAndOldMysql) {
  const auto stmt = insert(users_)
                        .values({{"id", 1}, {"name", "a"}})
                        .on_conflict_do_update({"id"}, {{"name", excluded(users_, "name")}});
  const std::string expected =
      "INSERT INTO users (id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name)";
  EXPECT_EQ(sql(stmt), expected);
  EXPECT_EQ(sql(stmt, *mysql57_), expected);
  EXPECT_EQ(sql(stmt, *dialect_for("mysql", "8.0.19")), expected);
}

TEST_F(MysqlCompilerTest, Upsert_UsesTheRowAliasOnMysql8020AndLater) {
  const auto stmt = insert(users_)
                        .values({{"id", 1}, {"name", "a"}})
                        .on_conflict_do_update({"id"}, {{"name", excluded(users_, "name")}});
  EXPECT_EQ(sql(stmt, *mysql8_),
            "INSERT INTO users (id, name) VALUES (?, ?) AS new ON DUPLICATE KEY UPDATE "
            "name = new.name");
  // A "mysql" URL on a MariaDB server behaves as MariaDB: VALUES().
  const auto on_mariadb = dialect_for("mysql", "5.5.5-10.11.6-MariaDB");
  EXPECT_EQ(sql(stmt, *on_mariadb),
            "INSERT INTO users (id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE name = "
            "VALUES(name)");
}

TEST_F(MysqlCompilerTest, UpsertDoNothing_IsANoOpUpdateNotInsertIgnore) {
  const auto stmt = insert(users_).values({{"id", 1}, {"name", "a"}}).on_conflict_do_nothing();
  EXPECT_EQ(sql(stmt),
            "INSERT INTO users (id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE id = id");
  EXPECT_EQ(sql(stmt, *mysql8_),
            "INSERT INTO users (id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE id = id");
}

TEST_F(MysqlCompilerTest, UpsertTargetsMysqlCannotName_AreRefused) {
  EXPECT_THROW(sql(insert(users_)
                       .values({{"id", 1}, {"name", "a"}})
                       .on_conflict_do_nothing(ConflictTarget::constraint("uq_users_email"))),
               NotSupportedError);
  EXPECT_THROW(sql(insert(users_)
                       .values({{"id", 1}, {"name", "a"}})
                       .on_conflict_do_nothing(ConflictTarget({"email"}, users_.c("active")))),
               NotSupportedError);
}

TEST_F(MysqlCompilerTest, UpsertWhere_IsAnIfPerAssignmentWithTheConditionsColumnsLast) {
  const auto stmt =
      insert(users_)
          .values({{"id", 1}, {"name", "a"}, {"email", "e"}})
          .on_conflict_do_update(
              {"id"}, {{"name", excluded(users_, "name")}, {"email", excluded(users_, "email")}},
              users_.c("name") != excluded(users_, "name"));
  // name, which the condition reads, is set last, so both IF()s see the old name.
  EXPECT_EQ(sql(stmt),
            "INSERT INTO users (id, name, email) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE "
            "email = IF(users.name != VALUES(name), VALUES(email), email), "
            "name = IF(users.name != VALUES(name), VALUES(name), name)");
  // A condition reading two of the columns set cannot be kept from seeing one of them changed.
  EXPECT_THROW(sql(insert(users_)
                       .values({{"id", 1}, {"name", "a"}, {"email", "e"}})
                       .on_conflict_do_update({"id"},
                                              {{"name", excluded(users_, "name")},
                                               {"email", excluded(users_, "email")}},
                                              users_.c("name") != users_.c("email"))),
               NotSupportedError);
}

// ---- types and DDL ----------------------------------------------------------------------------

TEST_F(MysqlCompilerTest, TypeNames_AreMysqls) {
  const Dialect& d = *mariadb_;
  EXPECT_EQ(type_name(Boolean{}, d), "BOOL");
  EXPECT_EQ(type_name(types::DateTime{}, d), "DATETIME(6)");
  EXPECT_EQ(type_name(types::Time{}, d), "TIME(6)");
  EXPECT_EQ(type_name(LargeBinary{}, d), "LONGBLOB");
  EXPECT_EQ(type_name(Numeric{10, 2}, d), "DECIMAL(10, 2)");
  EXPECT_EQ(type_name(Numeric{}, d), "DECIMAL(65, 30)");
  EXPECT_EQ(type_name(String{}, d), "LONGTEXT");
  EXPECT_EQ(type_name(String{20}, d), "VARCHAR(20)");
  EXPECT_EQ(type_name(Enum({"a", "b'c"}), d), "ENUM('a', 'b''c')");
  EXPECT_EQ(type_name(JSON{}, d), "JSON");
  EXPECT_EQ(type_name(Float{}, d), "FLOAT");
  EXPECT_EQ(type_name(Double{}, d), "DOUBLE");
}

TEST_F(MysqlCompilerTest, Uuid_IsNativeOnlyWhereTheServerHasIt) {
  EXPECT_EQ(type_name(types::Uuid{}, *mariadb_), "UUID");
  EXPECT_EQ(type_name(types::Uuid{}, *dialect_for("mariadb", "10.6.16-MariaDB")), "CHAR(32)");
  EXPECT_EQ(type_name(types::Uuid{}, *mysql8_), "CHAR(32)");
  // The value bound for it: the canonical text for UUID, 32 hex digits for CHAR(32).
  const Value u(Uuid::parse("0f8fad5b-d9cb-469f-a165-70867728950e"));
  EXPECT_EQ(mariadb_->process_bind(types::Uuid{}, u),
            Value("0f8fad5b-d9cb-469f-a165-70867728950e"));
  EXPECT_EQ(mysql8_->process_bind(types::Uuid{}, u), Value("0f8fad5bd9cb469fa16570867728950e"));
  EXPECT_EQ(mysql8_->process_result(types::Uuid{}, Value("0f8fad5bd9cb469fa16570867728950e")), u);
}

TEST_F(MysqlCompilerTest, CreateTable_HasAutoIncrementInnodbAndUtf8mb4) {
  MetaData md;
  Table t{"posts",
          md,
          Column{"id", Integer{}, primary_key},
          Column{"user_id", Integer{}, ForeignKey{"users.id", {.ondelete = "CASCADE"}}},
          Column{"state", Enum({"draft", "done"})},
          Column{"note", Text{}, sql::Comment{"free text"}}};
  EXPECT_EQ(mariadb_->ddl_compiler()->create_table(t.data()),
            "CREATE TABLE posts (\n\tid INTEGER NOT NULL AUTO_INCREMENT,\n\tuser_id INTEGER,\n\t"
            "state ENUM('draft', 'done'),\n\tnote LONGTEXT COMMENT 'free text',\n\t"
            "PRIMARY KEY (id),\n\tFOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE\n"
            ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
}

TEST_F(MysqlCompilerTest, CompositeOrReferringKey_IsNotAutoIncrement) {
  MetaData md;
  Table pair{"pair", md, Column{"a", Integer{}, primary_key}, Column{"b", Integer{}, primary_key}};
  EXPECT_EQ(mariadb_->ddl_compiler()->create_table(pair.data()).find("AUTO_INCREMENT"),
            std::string::npos);
  Table ext{"ext", md, Column{"id", Integer{}, primary_key, ForeignKey{"pair.a"}}};
  EXPECT_EQ(mariadb_->ddl_compiler()->create_table(ext.data()).find("AUTO_INCREMENT"),
            std::string::npos);
}

// ---- the dialect ------------------------------------------------------------------------------

TEST_F(MysqlCompilerTest, MariadbDialect_RefusesAServerThatIsNotMariadb) {
  registry::DialectPtr dialect = registry::load_dialect("mariadb");
  VersionOnlyConnection conn("8.0.36");
  try {
    dialect->initialize(conn);
    FAIL() << "expected ArgumentError";
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("8.0.36"), std::string::npos) << e.what();
  }
}

TEST_F(MysqlCompilerTest, Features_AreMysqls) {
  const DialectFeatures& f = mariadb_->features();
  EXPECT_EQ(f.upsert_style, UpsertStyle::kOnDuplicateKey);
  EXPECT_FALSE(f.supports_transactional_ddl);
  EXPECT_FALSE(f.supports_sequences);
  EXPECT_FALSE(f.supports_native_boolean);
  EXPECT_TRUE(f.supports_savepoints);
  EXPECT_TRUE(f.use_insertmanyvalues);
  EXPECT_EQ(f.insertmanyvalues_max_parameters, 65535u);
  EXPECT_EQ(f.max_identifier_length, 64u);
  EXPECT_EQ(mariadb_->name(), "mariadb");
  EXPECT_EQ(mysql8_->name(), "mysql");
  EXPECT_EQ(mysql8_->default_driver(), "mariadbconnector");
}

TEST_F(MysqlCompilerTest, IsDisconnect_FollowsTheClientErrorCodes) {
  const auto error = [](std::int64_t code) {
    return OperationalError(ErrorInfo{.sqlstate = "HY000", .driver_code = code});
  };
  for (const std::int64_t code : {2006, 2013, 2014, 2045, 2055, 1927, 4031})
    EXPECT_TRUE(mariadb_->is_disconnect(error(code))) << code;
  for (const std::int64_t code : {1062, 1146, 1213, 0})
    EXPECT_FALSE(mariadb_->is_disconnect(error(code))) << code;
}

TEST_F(MysqlCompilerTest, ReflectType_ReadsMysqlsColumnTypes) {
  const Dialect& d = *mariadb_;
  EXPECT_EQ(d.reflect_type("tinyint(1)").kind(), TypeKind::kBoolean);
  EXPECT_EQ(d.reflect_type("tinyint(4)").kind(), TypeKind::kSmallInteger);
  EXPECT_EQ(d.reflect_type("int(11)").kind(), TypeKind::kInteger);
  EXPECT_EQ(d.reflect_type("int").kind(), TypeKind::kInteger);
  EXPECT_EQ(d.reflect_type("int(10) unsigned").kind(), TypeKind::kBigInteger);
  EXPECT_EQ(d.reflect_type("mediumint(9)").kind(), TypeKind::kInteger);
  EXPECT_EQ(d.reflect_type("bigint(20)").kind(), TypeKind::kBigInteger);
  EXPECT_EQ(d.reflect_type("longtext").kind(), TypeKind::kText);
  EXPECT_EQ(d.reflect_type("mediumblob").kind(), TypeKind::kLargeBinary);
  EXPECT_EQ(d.reflect_type("varbinary(16)").kind(), TypeKind::kLargeBinary);
  EXPECT_EQ(d.reflect_type("datetime(6)").kind(), TypeKind::kDateTime);
  EXPECT_EQ(d.reflect_type("double").kind(), TypeKind::kDouble);
  EXPECT_EQ(d.reflect_type("uuid").kind(), TypeKind::kUuid);
  EXPECT_EQ(d.reflect_type("json").kind(), TypeKind::kJson);
  const SqlType decimal = d.reflect_type("decimal(10,2) unsigned");
  EXPECT_EQ(decimal.kind(), TypeKind::kNumeric);
  EXPECT_EQ(decimal.scale(), std::optional<int>(2));
  const SqlType e = d.reflect_type("enum('a','b''c')");
  EXPECT_EQ(e.kind(), TypeKind::kEnum);
  EXPECT_EQ(e.enum_values(), (std::vector<std::string>{"a", "b'c"}));
}

}  // namespace
