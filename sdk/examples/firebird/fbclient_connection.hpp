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

/// The handles a connection shares with its cursors, as the libpq driver's ConnectionState: the
/// attachment (isc_db_handle) and its open transaction (isc_tr_handle). Owned jointly
/// (std::shared_ptr) so that a cursor that outlives its connection finds the attachment closed
/// (InterfaceError) instead of reading freed memory. Used by one thread at a time.
class Attachment {
 public:
  /// Takes over db (attached); the transaction starts on first use.
  Attachment(isc_db_handle db, TransactionOptions options) noexcept;
  /// close().
  ~Attachment();
  Attachment(const Attachment&) = delete;
  Attachment& operator=(const Attachment&) = delete;

  /// The attachment. Throws InterfaceError "the Firebird connection is closed" when closed.
  isc_db_handle* db();
  /// The open transaction, started (with the TPB of options()) if none is open. Throws
  /// InterfaceError when closed, the mapped error when Firebird refuses to start one.
  isc_tr_handle* transaction();
  /// Whether close() ran (or the attachment was never made).
  bool closed() const noexcept { return db_ == 0; }
  /// Whether a transaction is open.
  bool has_transaction() const noexcept { return tr_ != 0; }
  /// isc_commit_transaction / isc_rollback_transaction of the open transaction, if any. Throws
  /// the mapped error when Firebird refuses (the transaction is forgotten when the attachment
  /// is gone).
  void end_transaction(bool commit);
  /// Rolls back the open transaction and detaches (isc_detach_database). When the detach fails
  /// because a transaction is still open (isc_open_trans), rolls back again and retries once;
  /// the handles are forgotten either way. Idempotent; never throws.
  void close() noexcept;
  /// How the next transaction starts.
  TransactionOptions& options() noexcept { return options_; }
  /// As options(), read only.
  const TransactionOptions& options() const noexcept { return options_; }

 private:
  isc_db_handle db_{0};
  isc_tr_handle tr_{0};
  TransactionOptions options_;
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
  /// As commit(), ending the transaction with isc_rollback_transaction.
  void rollback() override;
  /// Rolls back the open transaction and detaches (Attachment::close()); cursors still alive
  /// then throw InterfaceError.
  void close() noexcept override;
  /// isc_database_info(isc_info_attachment_id): false once the attachment is gone.
  bool ping() noexcept override;
  /// Ends the open transaction (committing it when switching autocommit on), then starts the
  /// next one with or without isc_tpb_autocommit.
  void set_autocommit(bool on) override;
  /// Whether each statement commits on its own (isc_tpb_autocommit).
  bool autocommit() const noexcept override { return state_->options().autocommit; }
  /// READ COMMITTED, REPEATABLE READ, SNAPSHOT or SERIALIZABLE, for the next transaction.
  /// Throws ArgumentError for another name.
  void set_isolation_level(std::string_view level) override;
  /// True while a transaction that is not in autocommit mode is open.
  bool in_transaction() const noexcept override {
    return state_->has_transaction() && !state_->options().autocommit;
  }
  /// "3.0.11" (isc_info_firebird_version of the attachment).
  std::string server_version() const override;
  /// qmark: Firebird's DSQL marks parameters with '?'.
  ParamStyle paramstyle() const noexcept override { return ParamStyle::kQmark; }

 private:
  std::shared_ptr<Attachment> state_;  ///< shared with the cursors
};

}  // namespace crucible::firebird
