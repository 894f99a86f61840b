// A request-per-coroutine HTTP service: the seeds' FastAPI item listing and creation
// (`@app.get("/items")` with an AsyncSession per request) in C++, with Boost.Beast on one
// thread and crucible's async layer (docs/asyncio.md).
//
//   async_service [URL] [--port N]     default sqlite:///items.db, port 8000 (0: any free port)
//
// Listens on 127.0.0.1 only and prints "listening on http://127.0.0.1:<port>" once it accepts
// connections. SIGINT or SIGTERM stops it: no new connections, the open ones are closed, the
// engine's pool is disposed, exit status 0.
//
//   GET  /items          200, [{"id": 1, "name": "alpha"}, …] ordered by id
//   GET  /items/<id>     200, {"id": …, "name": …}; 404 when there is no such item
//   POST /items          body {"name": "<1 to 100 characters>"}; 201 with the new item and a
//                        Location header; 422 when the body is not that (FastAPI's status)
//
// Errors are JSON too, {"detail": "…"}, as FastAPI's: 404 for an unknown path, 405 for a method
// a path does not take, 422 for a body or an id that is not what was wanted, 504 when the
// database call ran past its command_timeout (5 s), 500 for another database error (logged to
// stderr; URLs there hide the password).
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <exception>
#include <iostream>
#include <list>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <crucible/asyncio.hpp>
#include <crucible/crucible.hpp>

using namespace crucible;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using asyncio::awaitable;

namespace {

// ---- the model: the seeds' Item ---------------------------------------------------------------
struct Item {
  std::int64_t id{};  // 0 until the INSERT: the database numbers it
  std::string name;
};
constexpr std::size_t kNameLength = 100;

void map_models(orm::Registry& registry) {
  registry.map<Item>("item")
      .column(&Item::id, "id", Integer{}, primary_key)
      .column(&Item::name, "name", String{kNameLength});
}

// ---- HTTP responses ---------------------------------------------------------------------------
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

std::string to_json(const Poco::JSON::Object& object) {
  std::ostringstream out;
  object.stringify(out);
  return out.str();
}

Poco::JSON::Object::Ptr item_json(const Item& item) {
  Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  object->set("id", item.id);
  object->set("name", item.name);
  return object;
}

Response json_response(const Request& req, http::status status, std::string body) {
  Response res{status, req.version()};
  res.set(http::field::server, "crucible-async-service");
  res.set(http::field::content_type, "application/json");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response error_response(const Request& req, http::status status, const std::string& detail) {
  Poco::JSON::Object object;
  object.set("detail", detail);
  return json_response(req, status, to_json(object));
}

// ---- the routes: one AsyncSession per request -------------------------------------------------
class ItemService {
 public:
  explicit ItemService(asyncio::async_sessionmaker make_session)
      : make_session_(std::move(make_session)) {}

  awaitable<Response> handle(const Request& req) const {
    const std::string_view target(req.target().data(), req.target().size());
    const std::string_view path = target.substr(0, target.find('?'));
    try {
      if (path == "/items") {
        if (req.method() == http::verb::get) co_return co_await list_items(req);
        if (req.method() == http::verb::post) co_return co_await create_item(req);
        co_return not_allowed(req, "GET, POST");
      }
      if (path.starts_with("/items/")) {
        if (req.method() != http::verb::get) co_return not_allowed(req, "GET");
        co_return co_await read_item(req, path.substr(std::string_view("/items/").size()));
      }
      co_return error_response(req, http::status::not_found, "Not Found");
    } catch (const CommandTimeoutError& e) {
      std::cerr << "async_service: " << req.method_string() << " " << path << ": " << e.what()
                << "\n";
      co_return error_response(req, http::status::gateway_timeout, "the database took too long");
    } catch (const Error& e) {  // the database's, or crucible's: logged, not shown to clients
      std::cerr << "async_service: " << req.method_string() << " " << path << ": " << e.what()
                << "\n";
      co_return error_response(req, http::status::internal_server_error, "database error");
    }
  }

 private:
  // GET /items (the seeds' list_items): every item, ordered by id.
  awaitable<Response> list_items(const Request& req) const {
    asyncio::AsyncSession session = make_session_();
    auto query = select<Item>().order_by({orm::col(&Item::id)});  // (g++ 12: no braces in co_await)
    auto items = co_await session.scalars(std::move(query));
    Poco::JSON::Array array;
    for (const auto& item : items) array.add(item_json(*item));
    co_await session.close();
    std::ostringstream out;
    array.stringify(out);
    co_return json_response(req, http::status::ok, out.str());
  }

  // GET /items/<id> (the seeds' get: session.get(Item, id)).
  awaitable<Response> read_item(const Request& req, std::string_view id_text) const {
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (ec != std::errc{} || end != id_text.data() + id_text.size())
      co_return error_response(req, http::status::unprocessable_entity,
                               "the item id must be an integer, found '" + std::string(id_text) +
                                   "'");
    asyncio::AsyncSession session = make_session_();
    auto item = co_await session.get<Item>(id);
    co_await session.close();
    if (!item) co_return error_response(req, http::status::not_found, "Item not found");
    co_return json_response(req, http::status::ok, to_json(*item_json(*item)));
  }

  // POST /items (the seeds' create: add, commit, the new row's id back).
  awaitable<Response> create_item(const Request& req) const {
    std::string name;
    if (auto problem = parse_name(req.body(), name))
      co_return error_response(req, http::status::unprocessable_entity, *problem);
    asyncio::AsyncSession session = make_session_();
    auto item = session.add(Item{.name = std::move(name)});
    co_await session.commit();  // the INSERT gives item its id
    co_await session.close();
    Response res = json_response(req, http::status::created, to_json(*item_json(*item)));
    res.set(http::field::location, "/items/" + std::to_string(item->id));
    co_return res;
  }

  // The body's "name", or what is wrong with the body.
  static std::optional<std::string> parse_name(const std::string& body, std::string& name) {
    Poco::Dynamic::Var parsed;
    try {
      parsed = Poco::JSON::Parser().parse(body);
    } catch (const Poco::Exception& e) {
      return "the body must be a JSON object {\"name\": \"...\"}: " + e.displayText();
    }
    const auto object = parsed.type() == typeid(Poco::JSON::Object::Ptr)
                            ? parsed.extract<Poco::JSON::Object::Ptr>()
                            : nullptr;
    if (!object) return std::string("the body must be a JSON object {\"name\": \"...\"}");
    const Poco::Dynamic::Var value = object->get("name");
    if (value.isEmpty() || !value.isString())
      return std::string("the body's \"name\" must be a string");
    name = value.toString();
    if (name.empty() || name.size() > kNameLength)
      return "the body's \"name\" must have 1 to " + std::to_string(kNameLength) +
             " bytes, found " + std::to_string(name.size());
    return std::nullopt;
  }

  static Response not_allowed(const Request& req, const char* allowed) {
    Response res = error_response(req, http::status::method_not_allowed, "Method Not Allowed");
    res.set(http::field::allow, allowed);
    return res;
  }

  asyncio::async_sessionmaker make_session_;
};

// ---- the server: a coroutine per client connection -------------------------------------------
class Server {
 public:
  Server(asio::io_context& io, const ItemService& service, std::uint16_t port)
      : service_(service), acceptor_(io, tcp::endpoint(asio::ip::address_v4::loopback(), port)) {}

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket =
          co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;  // stop()
      if (ec) continue;  // a client that gave up before it was accepted
      asio::co_spawn(acceptor_.get_executor(), serve(std::move(socket)), asio::detached);
    }
  }

  // No new connections; the open ones are shut down (a request in progress ends its database
  // work, then finds its connection gone).
  void stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (beast::tcp_stream* stream : clients_)
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

 private:
  awaitable<void> serve(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    const auto registered = clients_.insert(clients_.end(), &stream);
    struct Unregister {
      std::list<beast::tcp_stream*>& clients;
      std::list<beast::tcp_stream*>::iterator at;
      ~Unregister() { clients.erase(at); }
    } unregister{clients_, registered};
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (;;) {
      stream.expires_after(std::chrono::seconds(30));  // an idle or slow client is let go
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024);
      co_await http::async_read(stream, buffer, parser,
                                asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;  // the client closed, timed out or sent no HTTP
      const Request req = parser.release();
      Response res = co_await service_.handle(req);
      stream.expires_after(std::chrono::seconds(30));
      co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !res.keep_alive()) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  const ItemService& service_;
  tcp::acceptor acceptor_;
  std::list<beast::tcp_stream*> clients_;  ///< the connections being served
};

struct Options {
  std::string url = "sqlite:///items.db";
  std::uint16_t port = 8000;
};

Options parse_arguments(int argc, char** argv) {
  Options options;
  bool url_seen = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--port" && i + 1 < argc) {
      const std::string_view text = argv[++i];
      unsigned port = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
      if (ec != std::errc{} || end != text.data() + text.size() || port > 65535)
        throw ArgumentError("--port wants a number from 0 to 65535, found '" + std::string(text) +
                            "'");
      options.port = static_cast<std::uint16_t>(port);
    } else if (!arg.starts_with("--") && !url_seen) {
      options.url = std::string(arg);
      url_seen = true;
    } else {
      throw ArgumentError("usage: async_service [URL] [--port N]; found '" + std::string(arg) +
                          "'");
    }
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse_arguments(argc, argv);
    MetaData metadata;
    orm::Registry registry{metadata};
    map_models(registry);

    asyncio::AsyncOptions async_options;
    async_options.command_timeout = std::chrono::seconds(5);
    auto engine = asyncio::create_async_engine(options.url, {.pool_size = 10}, async_options);
    // Objects stay usable after commit() for the response (the seeds' expire_on_commit=False).
    const ItemService service{asyncio::async_sessionmaker{engine, {.expire_on_commit = false}}};

    asio::io_context io;  // one thread serves every connection
    Server server(io, service, options.port);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
      if (!ec) server.stop();
    });
    std::exception_ptr failed;
    asio::co_spawn(
        io,
        [&]() -> awaitable<void> {
          co_await engine.run_sync([&](const Engine& e) { metadata.create_all(e); });
          std::cout << "listening on http://127.0.0.1:" << server.port() << std::endl;
          co_await server.accept_loop();
          signals.cancel();
          co_await engine.dispose();
        },
        [&](std::exception_ptr e) {
          if (e) {
            failed = e;
            server.stop();
            signals.cancel();
          }
        });
    io.run();
    if (failed) std::rethrow_exception(failed);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "async_service: " << e.what() << "\n";
    return 1;
  }
}
