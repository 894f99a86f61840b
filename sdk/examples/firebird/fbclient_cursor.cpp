// The "fbclient" cursor (fbclient_cursor.hpp): DSQL statements, XSQLDA binding, value
// conversion and blobs.
#include "fbclient_cursor.hpp"

#include <iberror.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>
#include <vector>

#include "crucible/errors.hpp"
#include "fbclient_connection.hpp"
#include "fbclient_errors.hpp"
#include "fbclient_values.hpp"
#include "firebird_dialect.hpp"
#include "firebird_sql_text.hpp"

namespace crucible::firebird {

namespace {

constexpr std::size_t kSegment = 32768;
// Whether sql is EXECUTE PROCEDURE (or an EXECUTE BLOCK without SUSPEND): Firebird reports
// those, and every INSERT/UPDATE/DELETE/MERGE with RETURNING as well, as
// isc_info_sql_stmt_exec_procedure, but only they always give their one row.
bool is_execute(std::string_view sql) {
  bool execute = false;
  top_level_words(sql, [&](const std::string& word, std::size_t) {
    execute = word == "EXECUTE";
    return false;  // the first word decides
  });
  return execute;
}

[[noreturn]] void data_error(std::string message, std::string_view sql) {
  throw DataError(error_info(std::move(message), std::string(sql)));
}

}  // namespace

// An XSQLDA (allocated by XSQLDA_LENGTH, as ibase.h defines it) and the buffers its variables
// point at.
struct FbclientCursor::Sqlda {
  explicit Sqlda(short n) { resize(n); }
  void resize(short n) {
    raw.assign(XSQLDA_LENGTH(n), 0);
    get()->version = SQLDA_VERSION1;
    get()->sqln = n;
  }
  XSQLDA* get() { return reinterpret_cast<XSQLDA*>(raw.data()); }
  // Storage for each variable's data and null indicator.
  void allocate() {
    XSQLDA* da = get();
    data.assign(static_cast<std::size_t>(da->sqld), {});
    indicators.assign(static_cast<std::size_t>(da->sqld), 0);
    described.clear();
    for (short i = 0; i < da->sqld; ++i) {
      XSQLVAR& v = da->sqlvar[i];
      described.push_back(v);
      auto& buffer = data[static_cast<std::size_t>(i)];
      buffer.assign(static_cast<std::size_t>(v.sqllen) + 2 + 8, 0);
      v.sqldata = buffer.data();
      v.sqlind = &indicators[static_cast<std::size_t>(i)];
    }
  }
  std::vector<char> raw;  // the XSQLDA itself; alignof(max_align_t) is enough for it
  std::vector<std::vector<char>> data;
  std::vector<short> indicators;
  std::vector<XSQLVAR> described;  ///< the variables as Firebird described them
};

FbclientCursor::FbclientCursor(std::shared_ptr<Attachment> conn) : conn_(std::move(conn)) {}

FbclientCursor::~FbclientCursor() { close(); }

void FbclientCursor::close() noexcept {
  if (closed_) return;
  closed_ = true;
  if (stmt_ != 0 && !conn_->closed()) {
    ISC_STATUS_ARRAY status{};
    isc_dsql_free_statement(status, &stmt_, DSQL_drop);
  }
  stmt_ = 0;
  buffered_.clear();
  cursor_open_ = false;
}

void FbclientCursor::close_cursor() noexcept {
  if (!cursor_open_) return;
  cursor_open_ = false;
  if (conn_->closed()) return;  // the statement went with the attachment
  ISC_STATUS_ARRAY status{};
  isc_dsql_free_statement(status, &stmt_, DSQL_close);
}

void FbclientCursor::prepare(std::string_view sql) {
  if (stmt_ != 0 && sql == sql_) return;
  ISC_STATUS_ARRAY status{};
  if (stmt_ != 0) {
    isc_dsql_free_statement(status, &stmt_, DSQL_drop);
    stmt_ = 0;
    sql_.clear();
  }
  const std::string text(sql);
  isc_dsql_allocate_statement(status, conn_->db(), &stmt_);
  check(status, text);
  out_ = std::make_unique<Sqlda>(static_cast<short>(16));
  isc_dsql_prepare(status, conn_->transaction(), &stmt_, 0, text.c_str(), SQL_DIALECT_V6,
                   out_->get());
  if (status[0] == 1 && status[1] != 0) {
    ISC_STATUS_ARRAY ignored{};
    isc_dsql_free_statement(ignored, &stmt_, DSQL_drop);
    stmt_ = 0;
    throw_status(status, text);
  }
  if (out_->get()->sqld > out_->get()->sqln) {
    out_->resize(out_->get()->sqld);
    isc_dsql_describe(status, &stmt_, 1, out_->get());
    check(status, text);
  }
  out_->allocate();
  in_ = std::make_unique<Sqlda>(static_cast<short>(16));
  isc_dsql_describe_bind(status, &stmt_, 1, in_->get());
  check(status, text);
  if (in_->get()->sqld > in_->get()->sqln) {
    in_->resize(in_->get()->sqld);
    isc_dsql_describe_bind(status, &stmt_, 1, in_->get());
    check(status, text);
  }
  in_->allocate();
  // The statement's type decides how it runs (isc_info_sql_stmt_type).
  const char items[] = {isc_info_sql_stmt_type};
  char buffer[16] = {};
  isc_dsql_sql_info(status, &stmt_, sizeof(items), items, sizeof(buffer), buffer);
  check(status, text);
  statement_type_ = buffer[0] == isc_info_sql_stmt_type
                        ? static_cast<int>(isc_vax_integer(
                              buffer + 3, static_cast<short>(isc_vax_integer(buffer + 1, 2))))
                        : 0;
  sql_ = text;
  description_.clear();
  XSQLDA* out = out_->get();
  for (short i = 0; i < out->sqld; ++i) {
    const XSQLVAR& v = out->sqlvar[i];
    ColumnDescription d;
    d.name = normalize_name(std::string(v.aliasname, static_cast<std::size_t>(v.aliasname_length)));
    d.type_name = type_name(v);
    d.nullable = (v.sqltype & 1) != 0;
    if ((v.sqltype & ~1) == SQL_SHORT || (v.sqltype & ~1) == SQL_LONG ||
        (v.sqltype & ~1) == SQL_INT64) {
      if (v.sqlscale < 0) d.scale = -v.sqlscale;
    }
    description_.push_back(std::move(d));
  }
}

ISC_QUAD FbclientCursor::write_blob(const void* data, std::size_t size) {
  ISC_STATUS_ARRAY status{};
  isc_blob_handle blob = 0;
  ISC_QUAD id{};
  isc_create_blob2(status, conn_->db(), conn_->transaction(), &blob, &id, 0, nullptr);
  check(status, sql_);
  const auto* bytes = static_cast<const char*>(data);
  for (std::size_t at = 0; at < size; at += kSegment) {
    const auto n = static_cast<unsigned short>(std::min(kSegment, size - at));
    isc_put_segment(status, &blob, n, bytes + at);
    if (status[0] == 1 && status[1] != 0) {
      ISC_STATUS_ARRAY ignored{};
      isc_cancel_blob(ignored, &blob);
      throw_status(status, sql_);
    }
  }
  isc_close_blob(status, &blob);
  check(status, sql_);
  return id;
}

Value FbclientCursor::read_blob(const ISC_QUAD& id, bool text) {
  ISC_STATUS_ARRAY status{};
  isc_blob_handle blob = 0;
  ISC_QUAD blob_id = id;
  isc_open_blob2(status, conn_->db(), conn_->transaction(), &blob, &blob_id, 0, nullptr);
  check(status, sql_);
  std::string out;
  std::vector<char> segment(kSegment);
  for (;;) {
    unsigned short got = 0;
    const ISC_STATUS r = isc_get_segment(
        status, &blob, &got, static_cast<unsigned short>(segment.size()), segment.data());
    if (r == 0 || r == isc_segment) {
      out.append(segment.data(), got);
      continue;
    }
    if (r == isc_segstr_eof) break;
    ISC_STATUS_ARRAY ignored{};
    isc_close_blob(ignored, &blob);
    throw_status(status, sql_);
  }
  isc_close_blob(status, &blob);
  if (text) return Value(std::move(out));
  Bytes bytes(out.size());
  std::memcpy(bytes.data(), out.data(), out.size());
  return Value(std::move(bytes));
}

// Sets each input variable from a Value: its type is changed to the Value's own (Firebird
// converts between the declared and the given type, as isql does with text).
void FbclientCursor::bind(std::span<const Value* const> params) {
  XSQLDA* in = in_->get();
  if (static_cast<std::size_t>(in->sqld) != params.size())
    throw ProgrammingError(error_info("the statement has " + std::to_string(in->sqld) +
                                          " parameter markers, found " +
                                          std::to_string(params.size()) + " values",
                                      sql_));
  for (std::size_t i = 0; i < params.size(); ++i) {
    XSQLVAR& v = in->sqlvar[i];
    const XSQLVAR& described = in_->described[i];
    std::vector<char>& buffer = in_->data[i];
    const Value& value = *params[i];
    v.sqlind = &in_->indicators[i];
    in_->indicators[i] = 0;
    v.sqlscale = 0;
    v.sqlsubtype = described.sqlsubtype;
    const int declared = described.sqltype & ~1;
    const auto put = [&](short type, const void* data, std::size_t size) {
      if (size > 32767 && type == SQL_TEXT)
        data_error("a text or binary value of " + std::to_string(size) +
                       " bytes is longer than a Firebird VARCHAR/CHAR parameter takes (32767); "
                       "store it in a BLOB column",
                   sql_);
      buffer.assign(size + 8, 0);
      if (size != 0 && data != nullptr) std::memcpy(buffer.data(), data, size);
      v.sqltype = static_cast<short>(type | 1);
      v.sqllen = static_cast<short>(size);
      v.sqldata = buffer.data();
    };
    const auto put_text = [&](std::string_view text, int charset) {
      if (declared == SQL_BLOB) {
        const ISC_QUAD id = write_blob(text.data(), text.size());
        put(SQL_BLOB, &id, sizeof id);
        v.sqlsubtype = described.sqlsubtype;
        return;
      }
      put(SQL_TEXT, text.data(), text.size());
      v.sqlsubtype = static_cast<short>(charset);
    };
    const auto text_charset = [&]() {
      const int cs = described.sqlsubtype & 0xff;
      return (declared == SQL_TEXT || declared == SQL_VARYING) && cs != 0 ? cs : kCharsetUtf8;
    };
    switch (value.kind()) {
    case ValueKind::kNull:
      put(static_cast<short>(declared == 0 ? SQL_NULL : declared), nullptr,
          static_cast<std::size_t>(std::max<short>(described.sqllen, 0)));
      in_->indicators[i] = -1;
      break;
    case ValueKind::kBool: {
      if (declared == SQL_BOOLEAN || declared == SQL_NULL) {
        const unsigned char b = value.as<bool>() ? 1 : 0;
        put(SQL_BOOLEAN, &b, 1);
      } else {
        const ISC_INT64 n = value.as<bool>() ? 1 : 0;
        put(SQL_INT64, &n, sizeof n);
      }
      break;
    }
    case ValueKind::kInt: {
      const ISC_INT64 n = std::get<std::int64_t>(value.storage());
      put(SQL_INT64, &n, sizeof n);
      break;
    }
    case ValueKind::kDouble: {
      const double d = std::get<double>(value.storage());
      put(SQL_DOUBLE, &d, sizeof d);
      break;
    }
    case ValueKind::kString:
      put_text(std::get<std::string>(value.storage()), text_charset());
      break;
    case ValueKind::kJson: put_text(std::get<Json>(value.storage()).text, text_charset()); break;
    case ValueKind::kDecimal:
      put_text(std::get<Decimal>(value.storage()).text, kCharsetUtf8);
      break;
    case ValueKind::kUuid:
      put_text(std::get<Uuid>(value.storage()).to_hex(), text_charset());
      break;
    case ValueKind::kBytes: {
      const Bytes& b = std::get<Bytes>(value.storage());
      const std::string_view raw(reinterpret_cast<const char*>(b.data()), b.size());
      put_text(raw, kCharsetOctets);
      break;
    }
    case ValueKind::kDate: {
      const ISC_DATE d = encode_date(std::get<Date>(value.storage()));
      put(SQL_TYPE_DATE, &d, sizeof d);
      break;
    }
    case ValueKind::kTime: {
      const ISC_TIME t = encode_time(std::get<Time>(value.storage()));
      put(SQL_TYPE_TIME, &t, sizeof t);
      break;
    }
    case ValueKind::kDateTime: {
      const DateTime& dt = std::get<DateTime>(value.storage());
      if (dt.utc_offset_seconds)
        data_error("Firebird 3 has no TIMESTAMP WITH TIME ZONE: the timestamp " + dt.to_string() +
                       " carries a UTC offset, which would be lost (bind it without one)",
                   sql_);
      ISC_TIMESTAMP ts{encode_date(dt.date), encode_time(dt.time)};
      put(SQL_TIMESTAMP, &ts, sizeof ts);
      break;
    }
    }
  }
}

std::int64_t FbclientCursor::affected_rows() {
  const char items[] = {isc_info_sql_records};
  char buffer[64] = {};
  ISC_STATUS_ARRAY status{};
  isc_dsql_sql_info(status, &stmt_, sizeof(items), items, sizeof(buffer), buffer);
  check(status, sql_);
  if (buffer[0] != isc_info_sql_records) return -1;
  // isc_info_sql_records, length(2), then items: code(1), length(2), count(length).
  std::int64_t total = 0;
  const char* p = buffer + 3;
  while (p < buffer + sizeof(buffer) && *p != isc_info_end) {
    const char item = *p++;
    const auto len = static_cast<short>(isc_vax_integer(p, 2));
    p += 2;
    const auto count = isc_vax_integer(p, len);
    p += len;
    if (item == isc_info_req_insert_count || item == isc_info_req_update_count ||
        item == isc_info_req_delete_count)
      total += count;
  }
  return total;
}

void FbclientCursor::run(std::span<const Value* const> params, bool keep_rows) {
  bind(params);
  ISC_STATUS_ARRAY status{};
  isc_tr_handle* tr = conn_->transaction();
  const bool select = statement_type_ == isc_info_sql_stmt_select ||
                      statement_type_ == isc_info_sql_stmt_select_for_upd;
  if (select) {
    isc_dsql_execute(status, tr, &stmt_, 1, in_->get());
    check(status, sql_);
    cursor_open_ = true;
    rowcount_ = -1;
    return;
  }
  if (out_->get()->sqld > 0) {  // RETURNING (or EXECUTE PROCEDURE): one row, a singleton
    isc_dsql_execute2(status, tr, &stmt_, 1, in_->get(), out_->get());
    check(status, sql_);
    const std::int64_t n = affected_rows();
    // DML with RETURNING that touched no row leaves the output variables as they were (NULLs):
    // no row then. A procedure gives its row whatever it changed.
    if (n > 0 || is_execute(sql_)) {
      std::vector<Value> row;
      read_row(row);
      if (keep_rows) buffered_.push_back(std::move(row));
    }
    rowcount_ = (rowcount_ < 0 ? 0 : rowcount_) + std::max<std::int64_t>(n, 0);
    return;
  }
  isc_dsql_execute(status, tr, &stmt_, 1, in_->get());
  check(status, sql_);
  const std::int64_t n = affected_rows();
  rowcount_ = (rowcount_ < 0 ? 0 : rowcount_) + std::max<std::int64_t>(n, 0);
  if (statement_type_ == isc_info_sql_stmt_ddl) rowcount_ = -1;
}

void FbclientCursor::execute(std::string_view sql, std::span<const Value> params) {
  if (closed_) throw InterfaceError(error_info("the cursor is closed", std::string(sql)));
  conn_->db();  // InterfaceError once the connection is closed
  close_cursor();
  buffered_.clear();
  rowcount_ = -1;
  prepare(sql);
  std::vector<const Value*> pointers;
  pointers.reserve(params.size());
  for (const Value& v : params) pointers.push_back(&v);
  run(pointers, true);
}

void FbclientCursor::executemany(std::string_view sql, const ParamSets& param_sets) {
  if (closed_) throw InterfaceError(error_info("the cursor is closed", std::string(sql)));
  conn_->db();  // InterfaceError once the connection is closed
  close_cursor();
  buffered_.clear();
  rowcount_ = -1;
  prepare(sql);
  for (std::size_t s = 0; s < param_sets.size(); ++s) {
    try {
      run(param_sets[s], true);
    } catch (const ProgrammingError& e) {
      if (e.driver_code() != 0) throw;
      throw ProgrammingError(
          error_info("parameter set " + std::to_string(s) + ": " + e.driver_message(), sql_));
    }
    close_cursor();
  }
  if (rowcount_ < 0 && statement_type_ != isc_info_sql_stmt_select) rowcount_ = 0;
}

void FbclientCursor::read_row(std::vector<Value>& row) {
  XSQLDA* out = out_->get();
  row.resize(static_cast<std::size_t>(out->sqld));
  for (short i = 0; i < out->sqld; ++i) {
    const XSQLVAR& v = out->sqlvar[i];
    Value& cell = row[static_cast<std::size_t>(i)];
    if ((v.sqltype & 1) != 0 && *v.sqlind < 0) {
      cell = Value();
      continue;
    }
    const char* data = v.sqldata;
    const int charset = v.sqlsubtype & 0xff;
    switch (v.sqltype & ~1) {
    case SQL_TEXT: {
      std::size_t len = static_cast<std::size_t>(v.sqllen);
      if (charset == kCharsetOctets) {
        Bytes b(len);
        std::memcpy(b.data(), data, len);
        cell = Value(std::move(b));
      } else {
        while (len > 0 && data[len - 1] == ' ') --len;  // CHAR(n) is padded with spaces
        cell.assign_string(std::string_view(data, len));
      }
      break;
    }
    case SQL_VARYING: {
      unsigned short len = 0;
      std::memcpy(&len, data, sizeof len);
      if (charset == kCharsetOctets) {
        Bytes b(len);
        std::memcpy(b.data(), data + 2, len);
        cell = Value(std::move(b));
      } else {
        cell.assign_string(std::string_view(data + 2, len));
      }
      break;
    }
    case SQL_SHORT:
    case SQL_LONG:
    case SQL_INT64: {
      std::int64_t n = 0;
      if ((v.sqltype & ~1) == SQL_SHORT) {
        short s = 0;
        std::memcpy(&s, data, sizeof s);
        n = s;
      } else if ((v.sqltype & ~1) == SQL_LONG) {
        ISC_LONG l = 0;
        std::memcpy(&l, data, sizeof l);
        n = l;
      } else {
        ISC_INT64 l = 0;
        std::memcpy(&l, data, sizeof l);
        n = l;
      }
      cell = v.sqlscale < 0 ? Value(Decimal{scaled(n, v.sqlscale)}) : Value(n);
      break;
    }
    case SQL_FLOAT: {
      float f = 0;
      std::memcpy(&f, data, sizeof f);
      cell = Value(static_cast<double>(f));
      break;
    }
    case SQL_DOUBLE:
    case SQL_D_FLOAT: {
      double d = 0;
      std::memcpy(&d, data, sizeof d);
      cell = Value(d);
      break;
    }
    case SQL_TYPE_DATE: {
      ISC_DATE d = 0;
      std::memcpy(&d, data, sizeof d);
      cell = Value(decode_date(d));
      break;
    }
    case SQL_TYPE_TIME: {
      ISC_TIME t = 0;
      std::memcpy(&t, data, sizeof t);
      cell = Value(decode_time(t));
      break;
    }
    case SQL_TIMESTAMP: {
      ISC_TIMESTAMP ts{};
      std::memcpy(&ts, data, sizeof ts);
      cell = Value(DateTime{decode_date(ts.timestamp_date), decode_time(ts.timestamp_time), {}});
      break;
    }
    case SQL_BOOLEAN: cell = Value(*reinterpret_cast<const unsigned char*>(data) != 0); break;
    case SQL_BLOB: {
      ISC_QUAD id{};
      std::memcpy(&id, data, sizeof id);
      cell = read_blob(id, v.sqlsubtype == 1);
      break;
    }
    case SQL_NULL: cell = Value(); break;
    default:
      throw NotSupportedError(error_info(
          "the fbclient driver cannot read column '" +
              description_[static_cast<std::size_t>(i)].name + "' of Firebird type code " +
              std::to_string(v.sqltype & ~1) + " (arrays are not supported)",
          sql_));
    }
  }
}

bool FbclientCursor::fetch_into(std::vector<Value>& row) {
  if (closed_) throw InterfaceError(error_info("the cursor is closed", sql_));
  if (!buffered_.empty()) {
    row = std::move(buffered_.front());
    buffered_.pop_front();
    return true;
  }
  if (!cursor_open_) return false;
  conn_->db();  // InterfaceError once the connection is closed (its statements went with it)
  ISC_STATUS_ARRAY status{};
  const ISC_STATUS r = isc_dsql_fetch(status, &stmt_, 1, out_->get());
  if (r == 100) {
    close_cursor();
    return false;
  }
  if (r != 0) {
    // Close the server-side cursor first (DSQL_close), or the next execute of this statement
    // fails with "Attempt to reopen an open cursor".
    close_cursor();
    throw_status(status, sql_);
  }
  read_row(row);
  return true;
}

}  // namespace crucible::firebird
