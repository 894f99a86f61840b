// The compliance suite's fixture (compliance.hpp): the URL from the environment, the per-case
// name prefix, and the cleanup that drops whatever a case created.
#include "crucible/sdk/testing/compliance.hpp"

#include <unistd.h>  // getpid (POSIX)

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

namespace crucible::sdk::testing {

namespace {

constexpr const char* kUrlVariable = "CRUCIBLE_COMPLIANCE_URL";
constexpr const char* kUrlFromVariable = "CRUCIBLE_COMPLIANCE_URL_FROM";

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

// The requirements of the process's dialect; set once by the first SetUp.
std::unique_ptr<Requirements>& requirements_slot() {
  static std::unique_ptr<Requirements> slot;
  return slot;
}

std::once_flag& requirements_once() {
  static std::once_flag once;
  return once;
}

// FNV-1a, 64 bits: a short stable digest of the case's name and the process.
std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = 1469598103934665603ULL) {
  for (const char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return hash;
}

bool has_prefix(std::string_view name, std::string_view prefix) {
  return name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix &&
         name[prefix.size()] == '_';
}

}  // namespace

std::optional<std::string> compliance_url() {
  // A run that names its variable reads only that one (a stray CRUCIBLE_COMPLIANCE_URL in the
  // shell must not send it to another database).
  if (const auto from = env(kUrlFromVariable)) return env(from->c_str());
  return env(kUrlVariable);
}

std::string no_url_message() {
  std::string message = "no database to run the compliance suite against: ";
  const auto from = env(kUrlFromVariable);
  if (!from) {
    message += std::string(kUrlVariable) + " is not set";
  } else {
    message += *from + " (named by " + kUrlFromVariable + ") is not set";
  }
  return message + ". The suite needs a database URL where it may create and drop tables.";
}

const Requirements& requirements() {
  const auto& slot = requirements_slot();
  if (!slot) {
    throw InvalidRequestError(
        "compliance requirements asked for before the first ComplianceTest::SetUp");
  }
  return *slot;
}

ComplianceTest::ComplianceTest() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string full = info == nullptr
                               ? std::string("outside-a-test")
                               : std::string(info->test_suite_name()) + "." + info->name();
  const std::uint64_t hash = fnv1a(std::to_string(::getpid()), fnv1a(full));
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  prefix_ = "cs";
  std::uint64_t rest = hash;
  for (int i = 0; i < 8; ++i, rest /= 36) prefix_ += kDigits[rest % 36];
}

void ComplianceTest::SetUp() {
  const auto url = compliance_url();
  if (!url) FAIL() << no_url_message();
  engine_.emplace(create_engine(*url));
  std::call_once(requirements_once(), [this] {
    // The first connection runs Dialect::initialize, which may settle features by the server's
    // version (MySQL vs MariaDB): the requirements are those of the initialized dialect.
    engine_->connect().close();
    auto r = std::make_unique<Requirements>(Requirements::from_dialect(engine_->dialect()));
    configure_requirements(*r, engine_->dialect());
    configure_driver_requirements(*r, engine_->dialect());
    requirements_slot() = std::move(r);
  });
}

void ComplianceTest::TearDown() {
  conn_.reset();
  if (!engine_) return;
  try {
    Connection c = engine_->connect();
    Inspector inspector(c);
    for (const std::string& view : inspector.get_view_names()) {
      if (!has_prefix(view, prefix_)) continue;
      c.execute(text("DROP VIEW " + engine_->dialect().quote_identifier(view)));
      c.commit();
    }
    // Tables in any order: one another's foreign keys may refuse a drop, so go round until a
    // round drops nothing.
    std::vector<std::string> left;
    for (const std::string& table : inspector.get_table_names())
      if (has_prefix(table, prefix_)) left.push_back(table);
    c.commit();
    std::string last_error;
    while (!left.empty()) {
      std::vector<std::string> refused;
      for (const std::string& table : left) {
        try {
          c.execute(text("DROP TABLE " + engine_->dialect().quote_identifier(table)));
          c.commit();
        } catch (const DBAPIError& e) {
          c.rollback();
          refused.push_back(table);
          last_error = e.what();
        }
      }
      if (refused.size() == left.size()) {
        ADD_FAILURE() << "could not drop the tables the case left behind: " << last_error;
        break;
      }
      left = std::move(refused);
    }
  } catch (const Error& e) {
    ADD_FAILURE() << "cleaning up the case's tables (prefix " << prefix_
                  << ") failed: " << e.what();
  }
  engine_->dispose();
}

void ComplianceTablesTest::SetUp() {
  ComplianceTest::SetUp();
  if (HasFatalFailure()) return;
  create_tables();
  insert_data();
  conn().commit();
}

Connection& ComplianceTest::conn() {
  if (!conn_) conn_.emplace(engine_->connect());
  return *conn_;
}

std::string ComplianceTest::dialect_name() const {
  return engine_ ? std::string(engine_->dialect().name()) : std::string("(no engine)");
}

std::string ComplianceTest::name(std::string_view base) const {
  return prefix_ + "_" + std::string(base);
}

std::string ComplianceTest::quoted(std::string_view base) const {
  return engine_->dialect().quote_identifier(name(base));
}

std::int64_t ComplianceTest::count_rows(const Table& t, Connection* c) {
  Connection& on = c == nullptr ? conn() : *c;
  return on.execute(select(func::count()).select_from(t)).scalar_one().as<std::int64_t>();
}

}  // namespace crucible::sdk::testing
