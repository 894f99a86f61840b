#pragma once
// Firebird's status vectors as crucible's PEP 249 errors (PEP 249 "Exceptions"; Firebird 3.0
// Language Reference, appendix B "Error Codes and Messages": SQLSTATE, SQLCODE and GDS codes).
//
// A failed call of the client library leaves a status vector: a list of GDS codes (the first is
// the error, isc_unique_key_violation = 335544665 …) with their arguments. The error thrown
// carries
//   sqlstate        fb_sqlstate() of the vector ("23000", "42S02" …, Firebird 2.5+),
//   driver_code     the first GDS code,
//   driver_message  every line fb_interpret() gives, joined with "; " (never a password: the
//                   server's texts do not quote one, and this driver never puts one in the SQL
//                   it reports),
//   sql             the statement that failed, or "" for connect, commit and the like;
// and its class is chosen by the SQLSTATE's class (23 integrity, 22 data, 42 and 07 programming,
// 0A not supported, 08 and 40 and the shutdown/network GDS codes operational).
#include <ibase.h>

#include <string>
#include <string_view>

#include "crucible/errors.hpp"

namespace crucible::firebird {

/// Whether a GDS code means the attachment is gone (the server shut it down, the network
/// dropped, an administrator deleted it from MON$ATTACHMENTS): isc_att_shutdown, isc_shutdown,
/// isc_network_error, isc_net_read_err, isc_net_write_err, isc_lost_db_connection,
/// isc_conn_lost and isc_bad_db_handle. The dialect's is_disconnect() asks this.
bool is_disconnect_code(long long gds_code) noexcept;

/// Throws the PEP 249 error for status (which must hold an error), with sql as the failed
/// statement ("" for none). Never returns.
[[noreturn]] void throw_status(const ISC_STATUS* status, std::string_view sql);

/// An ErrorInfo for an error of this plugin itself (no SQLSTATE or GDS code): message and the
/// statement concerned ("" for none).
inline ErrorInfo error_info(std::string message, std::string_view sql = {}) {
  ErrorInfo info;
  info.driver_message = std::move(message);
  info.sql = std::string(sql);
  return info;
}

/// Checks the status of a client call: throws as throw_status when status[1] holds an error.
inline void check(const ISC_STATUS* status, std::string_view sql = {}) {
  if (status[0] == 1 && status[1] != 0) throw_status(status, sql);
}

}  // namespace crucible::firebird
