#pragma once
// A connection of the "fbclient" driver (fbclient_driver.hpp): one attachment (isc_db_handle)
// and the transaction it has open (isc_tr_handle), started lazily before the first statement
// (PEP 249's implicit transactions) with the TPB of the chosen isolation level.
#include <ibase.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/dbapi.hpp"

namespace crucible::firebird {

/// How a transaction is started (the TPB items; Firebird 3.0 Language Reference 10.1 "SET
/// TRANSACTION").
struct TransactionOptions {
  std::string isolation{
      "READ COMMITTED"};   ///< READ COMMITTED, REPEATABLE READ, SNAPSHOT, SERIALIZABLE
  bool autocommit{false};  ///< isc_tpb_autocommit: each statement commits
  int lock_timeout{10};    ///< seconds; 0 = NO WAIT
};

/// One attachment. Used by one thread at a time (PEP 249 threadsafety 1).
class FbclientConnection final : public DbapiConnection {
 public:
  /// Takes over db (attached); the transaction starts on first use.
  FbclientConnection(isc_db_handle db, TransactionOptions options);
  ~FbclientConnection() override;
  FbclientConnection(const FbclientConnection&) = delete;
  FbclientConnection& operator=(const FbclientConnection&) = delete;

  /// A cursor with its own DSQL statement handle. Throws InterfaceError when closed.
  std::unique_ptr<Cursor> cursor() override;
  /// isc_commit_transaction / isc_rollback_transaction of the open transaction, if any; the
  /// next statement starts another. Throws the mapped error when Firebird refuses (a commit
  /// that violates a deferred constraint, a lost attachment).
  void commit() override;
  void rollback() override;
  /// Rolls back the open transaction and detaches (isc_detach_database), ignoring errors.
  void close() noexcept override;
  /// isc_database_info(isc_info_attachment_id): false once the attachment is gone.
  bool ping() noexcept override;
  /// Ends the open transaction (committing it when switching autocommit on), then starts the
  /// next one with or without isc_tpb_autocommit.
  void set_autocommit(bool on) override;
  bool autocommit() const noexcept override { return options_.autocommit; }
  /// READ COMMITTED, REPEATABLE READ, SNAPSHOT or SERIALIZABLE, for the next transaction.
  /// Throws ArgumentError for another name.
  void set_isolation_level(std::string_view level) override;
  /// True while a transaction that is not in autocommit mode is open.
  bool in_transaction() const noexcept override { return tr_ != 0 && !options_.autocommit; }
  /// "3.0.11" (isc_info_firebird_version of the attachment).
  std::string server_version() const override;
  ParamStyle paramstyle() const noexcept override { return ParamStyle::kQmark; }

  /// The attachment and, started if none is open, the transaction; for the cursors. Throws
  /// InterfaceError when closed.
  isc_db_handle* db();
  isc_tr_handle* transaction();
  /// Whether close() ran (or the attachment was never made).
  bool closed() const noexcept { return db_ == 0; }

 private:
  void end_transaction(bool commit);

  isc_db_handle db_{0};
  isc_tr_handle tr_{0};
  TransactionOptions options_;
};

}  // namespace crucible::firebird
