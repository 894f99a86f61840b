// examples/async_service.cpp (issue 9, item 5), driven over HTTP on loopback on every backend:
// the program is started on a free port, its items are created and listed by requests, many of
// them at once, and its rows are read back from the database it was given.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "../sqlite/cli_process.hpp"
#include "async_fixture.hpp"

namespace crucible::testing {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

struct Reply {
  unsigned status{0};
  std::string body;
  std::string location;
};

/// One HTTP/1.1 request to 127.0.0.1:port on a connection of its own, awaited.
asyncio::awaitable<Reply> request(std::uint16_t port, http::verb verb, std::string target,
                                  std::string body = {}) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  stream.expires_after(std::chrono::seconds(30));
  co_await stream.async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), port),
                                asio::use_awaitable);
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
  }
  req.prepare_payload();
  co_await http::async_write(stream, req, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  co_await http::async_read(stream, buffer, res, asio::use_awaitable);
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return Reply{res.result_int(), res.body(), std::string(res[http::field::location])};
}

Reply request_now(std::uint16_t port, http::verb verb, std::string target, std::string body = {}) {
  return run([&]() { return request(port, verb, target, body); });
}

class AsyncServiceTest : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (HasFatalFailure()) return;
    // The program's database: the test's own (a file for SQLite, where the fixture's is in
    // this process's memory).
    url_ = backend() == "sqlite" ? dir_.sqlite_url("items.db") : engine().url().render(false);
    if (backend() == "sqlite") database_.emplace(create_engine(url_));
    service_.emplace(CRUCIBLE_ASYNC_SERVICE_EXAMPLE, std::vector<std::string>{url_, "--port", "0"});
    const std::string line = service_->read_line(60'000);
    const std::string prefix = "listening on http://127.0.0.1:";
    ASSERT_EQ(line.rfind(prefix, 0), 0u) << line;
    port_ = static_cast<std::uint16_t>(std::stoi(line.substr(prefix.size())));
  }
  void TearDown() override {
    if (service_ && service_->running()) {
      EXPECT_EQ(service_->stop(), 0) << "SIGTERM: a clean stop";
    }
    if (database_) database_->dispose();
    OrmTest::TearDown();
  }

  /// The item names in the database, by id, read without the service.
  std::vector<std::string> names_in_the_database() {
    const Engine& e = database_ ? *database_ : engine();
    auto conn = e.connect();
    std::vector<std::string> names;
    for (const Row& row : conn.exec_driver_sql("SELECT name FROM item ORDER BY id"))
      names.push_back(row[0].as<std::string>());
    return names;
  }

  TempDir dir_;
  std::string url_;
  std::optional<Engine> database_;
  std::optional<RunningProcess> service_;
  std::uint16_t port_{0};
};

TEST_P(AsyncServiceTest, CreateThenList_TheSeedsItemsComeBackInOrderAndAreInTheDatabase) {
  const Reply alpha = request_now(port_, http::verb::post, "/items", R"({"name": "alpha"})");
  ASSERT_EQ(alpha.status, 201u) << alpha.body;
  EXPECT_EQ(alpha.body, R"({"id":1,"name":"alpha"})");
  EXPECT_EQ(alpha.location, "/items/1");
  const Reply beta = request_now(port_, http::verb::post, "/items", R"({"name": "beta"})");
  EXPECT_EQ(beta.body, R"({"id":2,"name":"beta"})");

  const Reply list = request_now(port_, http::verb::get, "/items");
  EXPECT_EQ(list.status, 200u);
  EXPECT_EQ(list.body, R"([{"id":1,"name":"alpha"},{"id":2,"name":"beta"}])");
  const Reply one = request_now(port_, http::verb::get, "/items/2");
  EXPECT_EQ(one.status, 200u);
  EXPECT_EQ(one.body, R"({"id":2,"name":"beta"})");
  EXPECT_EQ(names_in_the_database(), (std::vector<std::string>{"alpha", "beta"}));
}

TEST_P(AsyncServiceTest, ManyRequestsAtOnce_EachGetsItsOwnSessionAndItem) {
  constexpr int kClients = 40;
  const std::vector<Reply> replies = run([&]() -> asyncio::awaitable<std::vector<Reply>> {
    // All requests in flight together: the service's one thread serves them concurrently.
    std::vector<Reply> out(kClients);
    int pending = kClients;
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer all_done(executor, std::chrono::steady_clock::time_point::max());
    for (int i = 0; i < kClients; ++i)
      asio::co_spawn(
          executor,
          [&, i]() -> asyncio::awaitable<void> {
            try {
              out[i] = co_await request(port_, http::verb::post, "/items",
                                        R"({"name": "item )" + std::to_string(i) + R"("})");
            } catch (const std::exception& e) {
              ADD_FAILURE() << "request " << i << ": " << e.what();
            }
            if (--pending == 0) all_done.cancel();
          },
          asio::detached);
    boost::system::error_code ignored;
    co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    co_return out;
  });
  std::set<std::string> bodies;
  for (const Reply& r : replies) {
    EXPECT_EQ(r.status, 201u) << r.body;
    bodies.insert(r.body);
  }
  EXPECT_EQ(bodies.size(), static_cast<std::size_t>(kClients)) << "every item has an id of its own";
  EXPECT_EQ(names_in_the_database().size(), static_cast<std::size_t>(kClients));
  const Reply list = request_now(port_, http::verb::get, "/items");
  for (int i = 0; i < kClients; ++i)
    EXPECT_NE(list.body.find("\"item " + std::to_string(i) + "\""), std::string::npos) << i;
}

TEST_P(AsyncServiceTest, BadRequests_GetFastApisStatusesAndWriteNothing) {
  const Reply not_json = request_now(port_, http::verb::post, "/items", R"({"name": )");
  EXPECT_EQ(not_json.status, 422u);
  EXPECT_NE(not_json.body.find("must be a JSON object"), std::string::npos) << not_json.body;
  EXPECT_EQ(request_now(port_, http::verb::post, "/items", R"({"name": 5})").status, 422u);
  EXPECT_EQ(request_now(port_, http::verb::post, "/items", R"(["alpha"])").status, 422u);
  const Reply too_long = request_now(port_, http::verb::post, "/items",
                                     R"({"name": ")" + std::string(101, 'x') + R"("})");
  EXPECT_EQ(too_long.status, 422u);
  EXPECT_NE(too_long.body.find("1 to 100 bytes, found 101"), std::string::npos) << too_long.body;
  // A name that looks like SQL is a value, stored as it is.
  const std::string hostile = R"(x'); DROP TABLE item; --)";
  EXPECT_EQ(
      request_now(port_, http::verb::post, "/items", R"({"name": "x'); DROP TABLE item; --"})")
          .status,
      201u);
  const Reply missing = request_now(port_, http::verb::get, "/items/999");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.body, R"({"detail":"Item not found"})");
  EXPECT_EQ(request_now(port_, http::verb::get, "/items/abc").status, 422u);
  EXPECT_EQ(request_now(port_, http::verb::delete_, "/items").status, 405u);
  EXPECT_EQ(request_now(port_, http::verb::get, "/nowhere").status, 404u);
  EXPECT_EQ(names_in_the_database(), (std::vector<std::string>{hostile}));
}

CRUCIBLE_ORM_BACKENDS(AsyncServiceTest);

}  // namespace
}  // namespace crucible::testing
