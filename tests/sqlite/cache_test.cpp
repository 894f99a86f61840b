// The engine's compiled cache: a statement of a shape seen before is not compiled again, and
// the new statement's own values are the ones bound.
#include <gtest/gtest.h>

#include "crucible/crucible.hpp"

using namespace crucible;

namespace {

class CompiledCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_.emplace(create_engine("sqlite://"));
    metadata_ = std::make_unique<MetaData>();
    items_.emplace("items", *metadata_, Column{"id", Integer{}, primary_key},
                   Column{"name", String{20}}, Column{"qty", Integer{}});
    metadata_->create_all(*engine_);
    engine_->begin([&](Connection& conn) {
      for (int i = 1; i <= 5; ++i)
        conn.execute(insert(*items_).values(
            {{"id", i}, {"name", "item" + std::to_string(i)}, {"qty", i * 10}}));
    });
  }
  std::optional<Engine> engine_;
  std::unique_ptr<MetaData> metadata_;
  std::optional<Table> items_;
};

}  // namespace

TEST_F(CompiledCacheTest, SameShapeWithOtherValuesCompilesOnceAndBindsTheNewValues) {
  auto conn = engine_->connect();
  const auto before = engine_->compiled_cache().misses();
  for (int i = 1; i <= 5; ++i) {
    auto stmt = select(items_->c("name")).where(items_->c("id") == i);  // a new object each time
    EXPECT_EQ(conn.execute(stmt).scalar_one().as<std::string>(), "item" + std::to_string(i));
  }
  EXPECT_EQ(engine_->compiled_cache().misses() - before, 1u) << "compiled once for five executions";
  EXPECT_GE(engine_->compiled_cache().hits(), 4u);
}

TEST_F(CompiledCacheTest, ADifferentShapeCompilesAgain) {
  auto conn = engine_->connect();
  const auto before = engine_->compiled_cache().misses();
  conn.execute(select(items_->c("name")).where(items_->c("id") == 1)).all();
  conn.execute(select(items_->c("name")).where(items_->c("id") > 1)).all();
  conn.execute(select(items_->c("qty")).where(items_->c("id") == 1)).all();
  EXPECT_EQ(engine_->compiled_cache().misses() - before, 3u);
}

TEST_F(CompiledCacheTest, InsertsOfOneShapeShareACompiledForm) {
  auto conn = engine_->connect();
  const auto before = engine_->compiled_cache().misses();
  // A shape not used by SetUp (which inserted all three columns): id and qty only.
  for (int i = 6; i <= 9; ++i) conn.execute(insert(*items_).values({{"id", i}, {"qty", i}}));
  EXPECT_EQ(engine_->compiled_cache().misses() - before, 1u);
  EXPECT_EQ(conn.execute(select(func::sum(items_->c("qty")))).scalar().as<std::int64_t>(),
            150 + 6 + 7 + 8 + 9);
}
