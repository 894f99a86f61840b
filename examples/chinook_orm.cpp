// Chinook with the ORM: structs mapped onto the reflected tables (nothing is declared twice),
// and a customer's invoices with their lines and tracks loaded eagerly, in a fixed number of
// statements whatever the number of invoices.
//
//   chinook_orm URL [CUSTOMER_ID]   e.g. chinook_orm sqlite:///chinook.sqlite 1
//                                   (Chinook_PostgreSql.sql's snake_case names work too)
//
// Prints "== Invoices of <first> <last> (<country>)", then per invoice
// "Invoice <id>, <date>: <total>" and its lines "  <track> × <quantity> @ <unit price>", then
// "(<n> invoices, <m> lines, <k> statements)".
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>

#include <crucible/crucible.hpp>

#include "chinook_queries.hpp"

using namespace crucible;

namespace {

struct Invoice;
struct InvoiceLine;

struct Track {
  std::int64_t id{};
  std::string name;
  std::optional<std::string> composer;
  Decimal unit_price;
};

struct Customer {
  std::int64_t id{};
  std::string first_name;
  std::string last_name;
  std::optional<std::string> country;
  std::string email;
  orm::Collection<Invoice> invoices;
};

struct Invoice {
  std::int64_t id{};
  std::int64_t customer_id{};
  DateTime invoice_date;
  Decimal total;
  orm::Ref<Customer> customer;
  orm::Collection<InvoiceLine> lines;
};

struct InvoiceLine {
  std::int64_t id{};
  std::int64_t invoice_id{};
  std::int64_t track_id{};
  Decimal unit_price;
  std::int64_t quantity{};
  orm::Ref<Invoice> invoice;
  orm::Ref<Track> track;
};

/// Maps the structs onto the reflected tables; names.spell() gives each database's spelling.
void map_chinook(orm::Registry& registry, const chinook::ChinookNames& names) {
  const auto n = [&](std::string_view name) { return names.spell(name); };
  registry.map<Track>(names.table("Track"))
      .column(&Track::id, n("TrackId"))
      .column(&Track::name, n("Name"))
      .column(&Track::composer, n("Composer"))
      .column(&Track::unit_price, n("UnitPrice"));
  registry.map<Customer>(names.table("Customer"))
      .column(&Customer::id, n("CustomerId"))
      .column(&Customer::first_name, n("FirstName"))
      .column(&Customer::last_name, n("LastName"))
      .column(&Customer::country, n("Country"))
      .column(&Customer::email, n("Email"))
      .relationship(&Customer::invoices, "invoices", orm::back_populates(&Invoice::customer),
                    orm::order_by({n("InvoiceDate"), n("InvoiceId")}));
  registry.map<Invoice>(names.table("Invoice"))
      .column(&Invoice::id, n("InvoiceId"))
      .column(&Invoice::customer_id, n("CustomerId"))
      .column(&Invoice::invoice_date, n("InvoiceDate"))
      .column(&Invoice::total, n("Total"))
      .relationship(&Invoice::customer, "customer", orm::back_populates(&Customer::invoices))
      .relationship(&Invoice::lines, "lines", orm::back_populates(&InvoiceLine::invoice),
                    orm::order_by({n("InvoiceLineId")}));
  registry.map<InvoiceLine>(names.table("InvoiceLine"))
      .column(&InvoiceLine::id, n("InvoiceLineId"))
      .column(&InvoiceLine::invoice_id, n("InvoiceId"))
      .column(&InvoiceLine::track_id, n("TrackId"))
      .column(&InvoiceLine::unit_price, n("UnitPrice"))
      .column(&InvoiceLine::quantity, n("Quantity"))
      .relationship(&InvoiceLine::invoice, "invoice", orm::back_populates(&Invoice::lines))
      .relationship(&InvoiceLine::track, "track");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: chinook_orm URL [CUSTOMER_ID]\n";
    return 2;
  }
  try {
    const std::int64_t customer_id = argc > 2 ? std::stoll(argv[2]) : 1;
    auto engine = create_engine(argv[1]);
    MetaData metadata;
    metadata.reflect(engine);
    const chinook::ChinookNames names(metadata);
    orm::Registry registry{metadata};
    map_chinook(registry, names);

    std::size_t statements = 0;
    engine.events().on_before_cursor_execute([&](const CursorExecuteEvent&) { ++statements; });
    orm::Session session{engine};
    // One SELECT for the customer, one for all their invoices, one for all those invoices'
    // lines, each line's track joined into that last one.
    auto customer = session
                        .scalars(select<Customer>()
                                     .where(orm::col(&Customer::id) == customer_id)
                                     .options(selectinload(&Customer::invoices)
                                                  .selectinload(&Invoice::lines)
                                                  .joinedload(&InvoiceLine::track)))
                        .one_or_none();
    if (!customer) {
      std::cerr << "chinook_orm: no customer with id " << customer_id << "\n";
      return 1;
    }
    std::cout << "== Invoices of " << customer->first_name << " " << customer->last_name << " ("
              << customer->country.value_or("?") << ")\n";
    std::size_t lines = 0;
    for (const auto& invoice : customer->invoices) {
      std::cout << "Invoice " << invoice->id << ", " << invoice->invoice_date.date.to_string()
                << ": " << invoice->total.text << "\n";
      for (const auto& line : invoice->lines) {
        std::cout << "  " << line->track->name << " × " << line->quantity << " @ "
                  << line->unit_price.text << "\n";
        ++lines;
      }
    }
    std::cout << "(" << customer->invoices.size() << " invoices, " << lines << " lines, "
              << statements << " statements)\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "chinook_orm: " << e.what() << "\n";
    return 1;
  }
}
