#pragma once
// The migration commands (Alembic's alembic.command and its command line), as a library entry
// point an application links into a small program of its own, passing its MetaData (the part
// Alembic's env.py plays):
//
//   int main(int argc, char** argv) {
//     MetaData metadata;
//     Table books{"books", metadata, Column{"id", Integer{}, primary_key}, …};
//     return crucible::migrate::main(argc, argv, metadata);
//   }
//
// and the `crucible migrate …` command of the crucible program (no MetaData there, so no
// --autogenerate). Usage:
//
//   PROGRAM [-c CONFIG] [-d DIR] [--url URL] COMMAND …
//     init DIR [--url URL]          DIR/versions and ./crucible-migrate.json (directory, url)
//     revision -m MSG [--autogenerate]
//     merge -m MSG [REV…]           a revision whose parents are REV… (default: every head)
//     upgrade [TARGET] [--sql]      TARGET: head (default), heads, +N, a revision; FROM:TO with
//     --sql downgrade TARGET [--sql]      TARGET: -N, base, a revision; FROM:TO with --sql current
//     | heads | history [--verbose] | stamp TARGET
//
// The directory and the URL come from the flags, else from the config file (-c, default
// ./crucible-migrate.json, written by init), whose "directory" is relative to the file.
#include <iosfwd>
#include <string>
#include <vector>

#include "crucible/sql/schema.hpp"

namespace crucible::migrate {

/// Runs one command line (args without the program name) and writes its output to out.
/// metadata is the application's (nullptr: no autogenerate). Returns the exit status (0).
/// Throws CommandError (bad usage, bad revisions, unknown targets), MigrationStepError (a
/// revision failed, the database's error nested), and what connecting throws.
int run_command(const std::vector<std::string>& args, const sql::MetaData* metadata,
                std::ostream& out);

/// The whole program: run_command on argv, its output on stdout; an error is one line on
/// stderr, "<program>: error: <reason>" (the nested database error appended), and exit status
/// 1 (2 for a usage error). A URL's password never appears in either.
int main(int argc, char** argv, const sql::MetaData& metadata);

/// The usage text above.
std::string usage(const std::string& program);

}  // namespace crucible::migrate
