#pragma once
// Printing rows for people (aligned columns) and for programs (CSV, JSON).
//
// Every command builds a Grid (column names and rows of crucible::Value) and hands it to one of
// the writers here, so the three formats treat every value kind the same way everywhere:
//
//   kind              table / CSV text                      JSON
//   null              "NULL" (table), empty field (CSV)     null
//   bool              true / false                          true / false
//   int64             decimal digits                        number
//   double            shortest round-trip text, "2.0"       number (a string for NaN/Infinity)
//   string            as is ("" quoted in CSV)              string
//   bytes             lowercase hex, two digits a byte      string of hex
//   decimal           its exact text                        string (no digit lost)
//   date/time/...     ISO 8601 / RFC 4122 text              string
//   json              its text                              string
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>

#include <crucible/value.hpp>

#include "cli_args.hpp"

namespace crucible::cli {

/// Rows to print: the column names and, per row, one value per column.
struct Grid {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
};

/// Options of write_table.
struct TableStyle {
  std::string_view null_text = "NULL";  ///< how a NULL cell reads
  bool footer = true;                   ///< end with "(N rows)"
};

/// Writes grid as psql-style aligned columns: a header, a separator of '-' and '+', one line a
/// row (numbers right-aligned, newlines and tabs in text shown as \n and \t so a row stays on
/// one line), then "(N rows)" when style.footer. Widths count UTF-8 code points.
void write_table(std::ostream& out, const Grid& grid, const TableStyle& style = {});

/// Writes grid as CSV (RFC 4180): a header row, then one record a row, CRLF line ends; a field
/// with a comma, a double quote, CR or LF is quoted with inner quotes doubled. NULL is an empty
/// field and the empty string a quoted empty field "" (as PostgreSQL's COPY … CSV).
void write_csv(std::ostream& out, const Grid& grid);

/// grid as a JSON array with one object a row, keyed by column name in column order. A column
/// name seen before in the row gets the first free suffix "_2", "_3"… so no value is lost.
Poco::JSON::Array::Ptr grid_to_json(const Grid& grid);

/// One value as JSON (see the table at the top of this header).
Poco::Dynamic::Var value_to_json(const Value& value);

/// Writes doc as indented JSON text (RFC 8259) and a newline.
void write_json(std::ostream& out, const Poco::Dynamic::Var& doc);

/// Writes grid in format: write_table, write_csv, or write_json(grid_to_json(grid)).
void write_grid(std::ostream& out, const Grid& grid, Format format);

/// The text of a non-null value for the table and CSV formats; "" for NULL.
std::string cell_text(const Value& value);

/// field as one CSV field: quoted when it holds ',', '"', CR or LF, or is empty (RFC 4180 §2).
std::string csv_field(std::string_view field);

/// "(1 row)" / "(N rows)".
std::string row_count_text(std::size_t n);

}  // namespace crucible::cli
