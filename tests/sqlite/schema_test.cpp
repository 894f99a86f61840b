// Schema on real SQLite: create_all/drop_all in foreign-key order in one transaction, checkfirst,
// the constraints the DDL declares enforced by SQLite, and reflection (Table::reflect and
// MetaData::reflect) of tables made here and of a copy of Chinook, queried through the
// expression language without declaring them.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "crucible/crucible.hpp"
#include "test_support.hpp"

using namespace crucible;
using crucible::testing::TempDir;

namespace crucible {
// Readable failure messages (internal linkage: other test files may print these too).
[[maybe_unused]] static void PrintTo(const SqlType& type, std::ostream* os) { *os << type.repr(); }
[[maybe_unused]] static void PrintTo(const Value& value, std::ostream* os) {
  *os << kind_name(value.kind()) << " " << value.to_string();
}
}  // namespace crucible

namespace {

// The first column of every row of sql.
std::vector<std::string> column_of(const Engine& engine, const std::string& sql) {
  Connection conn = engine.connect();
  std::vector<std::string> out;
  for (const Row& row : conn.execute(text(sql))) out.push_back(row.get<std::string>(0));
  return out;
}

// Tables in the order SQLite created them (sqlite_master grows by appending).
std::vector<std::string> created_tables(const Engine& engine) {
  return column_of(engine, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid");
}

// A small schema whose children are declared before their parents.
struct Shop {
  MetaData md;
  Table line{"order_line",
             md,
             Column{"id", Integer{}, primary_key},
             Column{"order_id", Integer{}, ForeignKey{"orders.id", {.ondelete = "CASCADE"}},
                    nullable(false)},
             Column{"sku", String{20}, ForeignKey{"product.sku"}},
             Column{"qty", Integer{}, server_default("1"), nullable(false)},
             CheckConstraint{"qty > 0", "ck_line_qty"}};
  Table orders{"orders", md, Column{"id", BigInteger{}, primary_key},
               Column{"customer", String{40}, indexed},
               Column{"status", Enum{{"open", "paid", "shipped"}}, server_default("'open'")}};
  Table product{"product",
                md,
                Column{"sku", String{20}, primary_key},
                Column{"name", String{80}, unique, nullable(false)},
                Column{"price", Numeric{10, 2}},
                Index{"ix_product_name_price", {"name", "price"}}};
};

class SchemaTest : public ::testing::Test {
 protected:
  TempDir dir_;
  Engine engine_ = create_engine(dir_.sqlite_url("shop.db"));
};

}  // namespace

TEST_F(SchemaTest, CreateAllCreatesParentsBeforeTheChildrenDeclaredFirst) {
  Shop shop;
  shop.md.create_all(engine_);
  EXPECT_EQ(created_tables(engine_), (std::vector<std::string>{"orders", "product", "order_line"}));
  std::vector<std::string> indexes =
      column_of(engine_, "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                         "ORDER BY name");
  EXPECT_EQ(indexes, (std::vector<std::string>{"ix_orders_customer", "ix_product_name_price"}));
}

TEST_F(SchemaTest, CreatedConstraintsAreEnforcedBySqlite) {
  Shop shop;
  shop.md.create_all(engine_);
  Connection conn = engine_.connect();
  conn.execute(text("INSERT INTO product (sku, name, price) VALUES ('A1', 'Anvil', 12.5)"));
  // The BigInteger key is declared INTEGER on SQLite, so SQLite numbers it (the rowid alias).
  conn.execute(text("INSERT INTO orders (customer) VALUES ('Wile')"));
  conn.execute(text("INSERT INTO orders (customer) VALUES ('Road')"));
  EXPECT_EQ(conn.execute(text("SELECT id, status FROM orders ORDER BY id")).all().size(), 2u);
  EXPECT_EQ(conn.execute(text("SELECT max(id) FROM orders")).scalar(), Value(2));
  EXPECT_EQ(conn.execute(text("SELECT status FROM orders WHERE id = 1")).scalar(), Value("open"));
  conn.execute(text("INSERT INTO order_line (order_id, sku) VALUES (1, 'A1')"));
  EXPECT_EQ(conn.execute(text("SELECT qty FROM order_line")).scalar(), Value(1));  // DEFAULT 1
  conn.commit();

  const auto refused = [&](const char* sql) {
    EXPECT_THROW(conn.execute(text(sql)), IntegrityError) << sql;
    conn.rollback();
  };
  refused("INSERT INTO order_line (order_id, sku) VALUES (99, 'A1')");         // FOREIGN KEY
  refused("INSERT INTO order_line (order_id, sku, qty) VALUES (1, 'A1', 0)");  // CHECK
  refused("INSERT INTO orders (customer, status) VALUES ('x', 'lost')");       // Enum's CHECK
  refused("INSERT INTO product (sku, name) VALUES ('B2', 'Anvil')");           // UNIQUE
  refused("INSERT INTO product (sku) VALUES ('C3')");                          // NOT NULL
  // ON DELETE CASCADE
  conn.execute(text("DELETE FROM orders WHERE id = 1"));
  EXPECT_EQ(conn.execute(text("SELECT count(*) FROM order_line")).scalar(), Value(0));
}

TEST_F(SchemaTest, CheckfirstSkipsTablesThatExist) {
  {
    Connection conn = engine_.connect();
    conn.execute(text("CREATE TABLE product (sku TEXT PRIMARY KEY, legacy INTEGER)"));
    conn.commit();
  }
  Shop shop;
  shop.md.create_all(engine_);  // checkfirst: product is left as it was
  EXPECT_EQ(created_tables(engine_), (std::vector<std::string>{"product", "orders", "order_line"}));
  EXPECT_EQ(column_of(engine_, "SELECT name FROM pragma_table_info('product') ORDER BY cid"),
            (std::vector<std::string>{"sku", "legacy"}));
  shop.md.create_all(engine_);  // a second run changes nothing
  EXPECT_EQ(created_tables(engine_).size(), 3u);
}

TEST_F(SchemaTest, CreateAllIsOneTransaction) {
  {
    Connection conn = engine_.connect();
    conn.execute(text("CREATE TABLE order_line (x INTEGER)"));
    conn.commit();
  }
  Shop shop;
  // Without checkfirst the third CREATE TABLE fails; the first two are rolled back with it.
  EXPECT_THROW(shop.md.create_all(engine_, /*checkfirst=*/false), ProgrammingError);
  EXPECT_EQ(created_tables(engine_), (std::vector<std::string>{"order_line"}));
}

TEST_F(SchemaTest, DropAllDropsChildrenFirst) {
  Shop shop;
  shop.md.create_all(engine_);
  {
    Connection conn = engine_.connect();
    conn.execute(text("INSERT INTO product (sku, name) VALUES ('A1', 'Anvil')"));
    conn.execute(text("INSERT INTO orders (id, customer) VALUES (1, 'Wile')"));
    conn.execute(text("INSERT INTO order_line (order_id, sku) VALUES (1, 'A1')"));
    conn.commit();
  }
  shop.md.drop_all(engine_);  // a parent dropped first would fail its children's foreign keys
  EXPECT_TRUE(created_tables(engine_).empty());
  shop.md.drop_all(engine_);  // checkfirst: nothing to drop, no error
  EXPECT_THROW(shop.md.drop_all(engine_, /*checkfirst=*/false), ProgrammingError);
}

TEST_F(SchemaTest, TableCreateAndDropOneTable) {
  Shop shop;
  shop.product.create(engine_);
  shop.product.create(engine_);  // checkfirst by default
  EXPECT_EQ(created_tables(engine_), (std::vector<std::string>{"product"}));
  EXPECT_THROW(shop.product.create(engine_, false), ProgrammingError);
  shop.product.drop(engine_);
  EXPECT_TRUE(created_tables(engine_).empty());
  shop.product.drop(engine_);
}

TEST_F(SchemaTest, ReflectingACreatedTableGivesBackItsDefinition) {
  Shop shop;
  shop.md.create_all(engine_);
  MetaData md;
  Table line = Table::reflect("order_line", md, engine_);
  const sql::TableData& t = line.data();
  ASSERT_EQ(t.columns.size(), 4u);
  EXPECT_EQ(t.columns[0].type, Integer{});
  EXPECT_EQ(t.columns[2].type, String{20});
  EXPECT_FALSE(t.columns[1].is_nullable());
  EXPECT_TRUE(t.columns[2].is_nullable());
  EXPECT_FALSE(t.columns[3].is_nullable());
  EXPECT_EQ(t.columns[3].server_default, "1");
  EXPECT_EQ(t.primary_key, (std::vector<std::string>{"id"}));
  ASSERT_EQ(t.foreign_keys.size(), 2u);
  // Its referred tables came along (SQLAlchemy's resolve_fks), in the MetaData now.
  EXPECT_TRUE(md.contains("orders"));
  EXPECT_TRUE(md.contains("product"));
  const sql::TableData& product = md.table("product").data();
  EXPECT_EQ(product.find("price")->type, Numeric(10, 2));
  EXPECT_EQ(product.primary_key, (std::vector<std::string>{"sku"}));
  ASSERT_EQ(product.uniques.size(), 1u);
  EXPECT_EQ(product.uniques[0].columns, (std::vector<std::string>{"name"}));
  ASSERT_EQ(product.indexes.size(), 1u);
  EXPECT_EQ(product.indexes[0].name, "ix_product_name_price");
  const sql::TableData& orders = md.table("orders").data();
  EXPECT_EQ(orders.find("id")->type, Integer{});  // declared INTEGER for SQLite's rowid
  EXPECT_EQ(orders.find("status")->type, String{7});
  EXPECT_EQ(orders.find("status")->server_default, "'open'");
  // The reflected definition compiles to the same DDL shape and orders the same way.
  EXPECT_EQ(md.sorted_tables().back().data().name, "order_line");
}

TEST_F(SchemaTest, ReflectingAMissingTableThrowsNoSuchTable) {
  MetaData md;
  EXPECT_THROW(Table::reflect("nowhere", md, engine_), NoSuchTableError);
  EXPECT_FALSE(md.contains("nowhere"));
}

// ---- Chinook ------------------------------------------------------------------------------------

class ChinookSchemaTest : public ::testing::Test {
 protected:
  TempDir dir_;
  Engine engine_ = create_engine("sqlite:///" + crucible::testing::copy_chinook(dir_).string());
};

TEST_F(ChinookSchemaTest, TrackReflectsWithItsTypesKeysAndReferredTables) {
  MetaData md;
  Table track = Table::reflect("Track", md, engine_);
  const sql::TableData& t = track.data();
  std::vector<std::string> names;
  std::vector<SqlType> types;
  for (const auto& c : t.columns) {
    names.push_back(c.name);
    types.push_back(c.type);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"TrackId", "Name", "AlbumId", "MediaTypeId", "GenreId",
                                             "Composer", "Milliseconds", "Bytes", "UnitPrice"}));
  EXPECT_EQ(types, (std::vector<SqlType>{Integer{}, String{200}, Integer{}, Integer{}, Integer{},
                                         String{220}, Integer{}, Integer{}, Numeric(10, 2)}));
  EXPECT_EQ(t.primary_key, (std::vector<std::string>{"TrackId"}));
  EXPECT_FALSE(t.find("Name")->is_nullable());
  EXPECT_TRUE(t.find("Composer")->is_nullable());
  std::vector<std::string> fks;
  for (const auto& fk : t.foreign_keys)
    fks.push_back(fk.columns.at(0) + "->" + fk.referred_table + "." + fk.referred_columns.at(0));
  std::sort(fks.begin(), fks.end());
  EXPECT_EQ(fks, (std::vector<std::string>{"AlbumId->Album.AlbumId", "GenreId->Genre.GenreId",
                                           "MediaTypeId->MediaType.MediaTypeId"}));
  ASSERT_TRUE(t.find("AlbumId")->foreign_key.has_value());
  EXPECT_EQ(t.find("AlbumId")->foreign_key->target, "Album.AlbumId");
  // Album came along, and with it Artist.
  for (const char* name : {"Album", "Artist", "Genre", "MediaType"})
    EXPECT_TRUE(md.contains(name)) << name;
  EXPECT_FALSE(md.contains("Invoice"));
}

TEST_F(ChinookSchemaTest, MetaDataReflectsAllElevenTablesInDependencyOrder) {
  MetaData md;
  md.reflect(engine_);
  std::vector<std::string> sorted;
  for (const Table& t : md.sorted_tables()) sorted.push_back(t.data().name);
  ASSERT_EQ(sorted.size(), 11u);
  const auto pos = [&](const std::string& name) {
    return std::find(sorted.begin(), sorted.end(), name) - sorted.begin();
  };
  EXPECT_LT(pos("Artist"), pos("Album"));
  EXPECT_LT(pos("Album"), pos("Track"));
  EXPECT_LT(pos("Employee"), pos("Customer"));  // Employee's self-reference does not block it
  EXPECT_LT(pos("Customer"), pos("Invoice"));
  EXPECT_LT(pos("Invoice"), pos("InvoiceLine"));
  EXPECT_LT(pos("Playlist"), pos("PlaylistTrack"));
  EXPECT_LT(pos("Track"), pos("PlaylistTrack"));
  EXPECT_EQ(md.table("PlaylistTrack").data().primary_key,
            (std::vector<std::string>{"PlaylistId", "TrackId"}));
  EXPECT_EQ(md.table("Invoice").data().find("InvoiceDate")->type, types::DateTime{});
}

TEST_F(ChinookSchemaTest, ReflectedTablesAreQueriedWithTheExpressionLanguage) {
  MetaData md;
  md.reflect(engine_);
  const Table artist = md.table("Artist");
  const Table album = md.table("Album");
  Connection conn = engine_.connect();
  // The join's ON clause comes from the reflected foreign key.
  std::vector<Row> rows = conn.execute(select(album.c("Title"))
                                           .join(artist)
                                           .where(artist.c("Name") == "AC/DC")
                                           .order_by({album.c("Title")}))
                              .all();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].get<std::string>(0), "For Those About To Rock We Salute You");
  EXPECT_EQ(rows[1].get<std::string>(0), "Let There Be Rock");

  // Typed results: Invoice.Total is a Decimal, InvoiceDate a DateTime.
  const Table invoice = md.table("Invoice");
  Row first = conn.execute(select(invoice.c("InvoiceDate"), invoice.c("Total"))
                               .where(invoice.c("InvoiceId") == 1))
                  .one();
  EXPECT_EQ(first[0], Value(DateTime::parse("2021-01-01 00:00:00")));
  EXPECT_EQ(first[1], Value(Decimal{"1.98"}));
}

TEST_F(SchemaTest, SequencesAreIgnoredWhereTheDialectHasNone) {
  // SQLite has no sequences: create_all and drop_all skip them, and a Sequence column default
  // leaves the key to SQLite's rowid numbering (as SQLAlchemy does).
  MetaData md;
  md.add_sequence(Sequence{"standalone_seq"});
  Table tickets{"tickets", md, Column{"id", Integer{}, Sequence{"tickets_id_seq"}, primary_key},
                Column{"title", String{40}}};
  md.create_all(engine_);
  Connection conn = engine_.connect();
  EXPECT_EQ(
      conn.execute(insert(tickets).values({{"title", "a"}}).returning({tickets.c("id")})).scalar(),
      Value(1));
  conn.execute(insert(tickets).values({{"title", "b"}}));
  EXPECT_EQ(conn.execute(select(func::max(tickets.c("id")))).scalar(), Value(2));
  conn.commit();
  conn.close();
  md.drop_all(engine_);
  EXPECT_TRUE(created_tables(engine_).empty());
}
