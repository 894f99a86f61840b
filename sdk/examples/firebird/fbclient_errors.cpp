// Firebird status vectors as PEP 249 errors (fbclient_errors.hpp).
#include "fbclient_errors.hpp"

#include <array>
#include <string>

#include <iberror.h>

#include "crucible/errors.hpp"

namespace crucible::firebird {

namespace {

// GDS codes of a lost attachment (iberror.h); see is_disconnect_code.
constexpr std::array<long long, 8> kDisconnectCodes = {
    isc_att_shutdown,   // connection shutdown (also: deleted from MON$ATTACHMENTS)
    isc_shutdown,       // database shutdown
    isc_network_error,  // unable to complete network request to host
    isc_net_read_err,       isc_net_write_err,
    isc_conn_lost,           // connection lost to database
    isc_lost_db_connection,  // connection lost to database (remote)
    isc_bad_db_handle,       // invalid database handle (no active connection)
};

}  // namespace

bool is_disconnect_code(long long gds_code) noexcept {
  for (const long long c : kDisconnectCodes)
    if (c == gds_code) return true;
  return false;
}

void throw_status(const ISC_STATUS* status, std::string_view sql) {
  ErrorInfo info;
  info.driver_code = status[1];
  info.sql = std::string(sql);
  char state[6] = {};
  fb_sqlstate(state, status);
  info.sqlstate = state;
  // fb_interpret walks the vector, one message per call (Firebird 2.0+, replacing isc_interprete).
  const ISC_STATUS* walk = status;
  std::array<char, 1024> line{};
  while (fb_interpret(line.data(), static_cast<unsigned>(line.size()), &walk) > 0) {
    if (!info.driver_message.empty()) info.driver_message += "; ";
    info.driver_message += line.data();
  }
  if (info.driver_message.empty())
    info.driver_message = "Firebird error " + std::to_string(status[1]);

  const std::string cls = info.sqlstate.substr(0, 2);
  if (is_disconnect_code(info.driver_code) || cls == "08") throw OperationalError(std::move(info));
  if (cls == "23") throw IntegrityError(std::move(info));
  if (cls == "22") throw DataError(std::move(info));
  if (cls == "42" || cls == "07" || cls == "3F") throw ProgrammingError(std::move(info));
  if (cls == "0A") throw NotSupportedError(std::move(info));
  if (cls == "40" || cls == "57" || cls == "HY") throw OperationalError(std::move(info));
  if (cls == "XX") throw InternalError(std::move(info));
  throw DatabaseError(std::move(info));
}

}  // namespace crucible::firebird
